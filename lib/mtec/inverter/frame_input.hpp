// Frames from a stream (mtec-calc, mtec-publish): LineInput's loop with the
// frame check, so that a line that is no frame is numbered, counted and
// skipped (or with --strict ends the tool) the same way in every tool.
#pragma once

#include "mtec/base/line_input.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

class FrameInput {
 public:
  // `metrics` (may be null) gets mtec_frames_in_total and mtec_bad_lines_total.
  FrameInput(int fd, int stop_fd, const Logger& log, bool strict, Metrics* metrics = nullptr);

  // The next frame within `timeout_ms` (-1: no limit), or timeout, or end.
  LineInput::Status next(Json& frame, int timeout_ms);
  // The line the last frame was parsed from.
  const std::string& line() const { return line_; }
  // "N of M lines were not frames and were skipped", if any were.
  void summarize() const { in_.summarize(); }

 private:
  LineInput in_;
  Metrics* metrics_;
  std::string line_;
};

}  // namespace inverter
}  // namespace mtec
