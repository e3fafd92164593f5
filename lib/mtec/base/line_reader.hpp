// Reading lines from a file descriptor (stdin) while watching a stop
// descriptor (StopSignals::fd()), so a filter ends cleanly on SIGTERM even while it
// waits for input.
#pragma once

#include <optional>
#include <string>

namespace mtec {
inline namespace base {

// --- Interface ---

class LineReader {
 public:
  // `fd` is read; `stop_fd` (optional, -1) ends reading when readable.
  // Lines longer than `max_line` bytes are cut off and flagged.
  LineReader(int fd, int stop_fd, size_t max_line = 1 << 20)
      : fd_(fd), stop_fd_(stop_fd), max_line_(max_line) {}

  enum class Status { line, eof, stopped, timeout };
  // Next line without its '\n' (a last line without '\n' counts too).
  Status next(std::string& line);
  // Whether the last line returned was longer than max_line (and was cut).
  bool truncated() const { return truncated_; }
  // Like next(), but gives up with Status::timeout when no complete line
  // arrived within about `timeout_ms`.
  Status next_within(std::string& line, int timeout_ms);

 private:
  bool fill(int timeout_ms);
  int fd_, stop_fd_;
  size_t max_line_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false, stopped_ = false, truncated_ = false;
};

}  // namespace base
}  // namespace mtec
