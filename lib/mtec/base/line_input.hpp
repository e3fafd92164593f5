// The input loop every stream tool shares (mtec-calc, mtec-publish,
// mtec-write --stdin): lines from a descriptor with a deadline, blank lines
// passed over, a bad line reported with its number and skipped (or, with
// --strict, the end: Error(data)), the bad lines counted in the metrics and
// summed up at the end. What makes a line bad is the caller's to say.
#pragma once

#include <cstdint>
#include <string>

#include "mtec/base/line_reader.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

class LineInput {
 public:
  struct Options {
    bool strict = false;  // --strict: the first bad line ends the tool (65)
    // the end-of-input summary: "<bad> of <lines> lines <verdict>"
    std::string verdict = "were not frames and were skipped";
    size_t max_line = 1 << 20;  // longer lines are rejected
  };
  // `metrics` (may be null) gets mtec_bad_lines_total, declared here.
  LineInput(int fd, int stop_fd, const Logger& log, Options o, Metrics* metrics = nullptr);

  enum class Status { line, timeout, end };
  // The next non-blank line within `timeout_ms` (-1: no limit). A line over
  // the length limit is rejected ("line too long") and passed over. `end`
  // at end of input or on a stop signal.
  Status next(std::string& line, int timeout_ms);
  // The line last returned is bad: "line N: <why> (skipped)", counted; with
  // strict, throws Error(data, "line N: <why>").
  void reject(const std::string& why);

  uint64_t lines() const { return lines_; }
  uint64_t rejected() const { return rejected_; }
  // Logs the summary (notice) when lines were rejected.
  void summarize() const;

 private:
  LineReader in_;
  const Logger& log_;
  Options o_;
  Metrics* metrics_;
  uint64_t lines_ = 0, rejected_ = 0;
};

}  // namespace base
}  // namespace mtec
