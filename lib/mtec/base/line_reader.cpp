#include "mtec/base/line_reader.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

bool LineReader::fill(int timeout_ms) {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    const int n = ::poll(fds, stop_fd_ >= 0 ? 2 : 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ErrorClass::io, fmt::format("poll: {}", std::strerror(errno)));
    if (n == 0) return false;
    break;
  }
  if (stop_fd_ >= 0 && fds[1].revents) {
    stopped_ = true;
    return true;
  }
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  const ssize_t r = ::read(fd_, chunk, sizeof chunk);
  if (r > 0)
    buf_.append(chunk, static_cast<size_t>(r));
  else if (r == 0)
    eof_ = true;
  else if (errno != EINTR && errno != EAGAIN)
    throw Error(ErrorClass::io,
                fmt::format("cannot read standard input: {}", std::strerror(errno)));
  return true;
}

LineReader::Status LineReader::next_within(std::string& line, int timeout_ms) {
  for (;;) {
    if (stopped_ || eof_ || buf_.find('\n', pos_) != std::string::npos ||
        buf_.size() - pos_ > max_line_)
      return next(line);
    if (!fill(timeout_ms)) return Status::timeout;
  }
}

LineReader::Status LineReader::next(std::string& line) {
  truncated_ = false;
  for (;;) {
    if (stopped_) return Status::stopped;
    const size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      line.assign(buf_, pos_, nl - pos_);
      pos_ = nl + 1;
      if (line.size() > max_line_) {
        line.resize(max_line_);
        truncated_ = true;
      }
      return Status::line;
    }
    if (eof_) {
      if (pos_ < buf_.size()) {
        line.assign(buf_, pos_, std::string::npos);
        pos_ = buf_.size();
        return Status::line;
      }
      return Status::eof;
    }
    if (buf_.size() - pos_ > max_line_) {
      // an overlong line: keep its head, drop the rest up to the newline
      line.assign(buf_, pos_, max_line_);
      truncated_ = true;
      for (;;) {
        const size_t end = buf_.find('\n', pos_);
        if (end != std::string::npos) {
          pos_ = end + 1;
          return Status::line;
        }
        buf_.clear();
        pos_ = 0;
        if (eof_ || stopped_) return Status::line;
        fill(-1);
      }
    }
    fill(-1);
  }
}

}  // namespace base
}  // namespace mtec
