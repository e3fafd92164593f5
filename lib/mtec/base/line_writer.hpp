// Writing NDJSON lines to stdout: whole lines, flushed, so a pipe never holds
// half a frame; the lines of one burst (the frames of one read) leave in one
// write, whatever their size, so the next stage wakes once for them. A closed
// reader (EPIPE) is reported, not fatal.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

class LineWriter {
 public:
  explicit LineWriter(FILE* out = stdout) : out_(out) {}
  // What is still in the burst goes out (an error ended the tool before its
  // flush: the good lines before it are not lost); errors are ignored here.
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;
  // Writes `line` plus '\n' at once. Returns false when the reader has gone
  // (EPIPE): the caller ends quietly. Other errors throw Error(io).
  bool write_line(std::string_view line) {
    add(line);
    return flush();
  }
  // Adds `line` plus '\n' to the burst that flush() writes.
  void add(std::string_view line);
  // Writes the burst in one write (after what `out` holds, flushed first);
  // returns as write_line. The burst is gone either way.
  bool flush();
  uint64_t lines() const { return lines_; }  // lines written

 private:
  bool failed();          // false on EPIPE; otherwise throws Error(io)
  ssize_t write_burst();  // -1 (errno) or the bytes written

  FILE* out_;
  std::string burst_;
  uint64_t lines_ = 0;    // written
  uint64_t pending_ = 0;  // in the burst
};

}  // namespace base
}  // namespace mtec
