// Writing NDJSON lines to stdout: whole lines, flushed, so a pipe never holds
// half a frame; the lines of one burst (the frames of one read) leave in one
// write, so the next stage wakes once for them. A closed reader (EPIPE) is
// reported, not fatal.
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
  bool write_line(const std::string& line) { return add(line) && flush(); }
  // Adds `line` plus '\n' to the burst that flush() writes. Same returns
  // (stdio may write a full buffer early: lines are still whole at flush).
  bool add(const std::string& line);
  bool flush();
  uint64_t lines() const { return lines_; }  // lines flushed

 private:
  bool failed();  // false on EPIPE; otherwise throws Error(io)

  FILE* out_;
  uint64_t lines_ = 0;    // written (flushed)
  uint64_t pending_ = 0;  // added since the last flush
};

}  // namespace base
}  // namespace mtec
