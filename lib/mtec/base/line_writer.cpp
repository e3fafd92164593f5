#include "mtec/base/line_writer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

void LineWriter::add(std::string_view line) {
  burst_.append(line);
  burst_.push_back('\n');
  ++pending_;
}

LineWriter::~LineWriter() {
  if (!burst_.empty()) write_burst();
}

// What stdio holds first, then the burst in one write (more only if the
// reader takes less at a time); the burst is empty afterwards.
ssize_t LineWriter::write_burst() {
  errno = 0;
  if (std::fflush(out_) != 0) {
    burst_.clear();
    return -1;
  }
  const int fd = ::fileno(out_);
  size_t done = 0;
  while (done < burst_.size()) {
    const ssize_t n = ::write(fd, burst_.data() + done, burst_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = 0;
      burst_.clear();
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  burst_.clear();  // keeps the capacity for the next burst
  return static_cast<ssize_t>(done);
}

bool LineWriter::flush() {
  if (burst_.empty()) return true;
  const uint64_t lines = pending_;
  pending_ = 0;
  if (write_burst() < 0) return failed();
  lines_ += lines;
  return true;
}

bool LineWriter::failed() {
  if (errno == EPIPE) return false;
  throw Error(ErrorClass::io, fmt::format("cannot write to standard output: {}",
                                          errno ? std::strerror(errno) : "nothing written"));
}

}  // namespace base
}  // namespace mtec
