// Writing NDJSON lines to stdout: one line, one write, flushed, so a pipe
// never holds half a frame; a closed reader (EPIPE) is reported, not fatal.
#pragma once

#include <cstdio>
#include <string>

namespace mtec {
inline namespace base {

// --- Interface ---

class LineWriter {
 public:
  explicit LineWriter(FILE* out = stdout) : out_(out) {}
  // Writes `line` plus '\n' and flushes. Returns false when the reader has
  // gone (EPIPE): the caller ends quietly. Other errors throw Error(io).
  bool write_line(const std::string& line);
  uint64_t lines() const { return lines_; }

 private:
  FILE* out_;
  uint64_t lines_ = 0;
};

}  // namespace base
}  // namespace mtec
