#include "mtec/inverter/frame_input.hpp"

#include "mtec/base/metric_names.hpp"

namespace mtec {
inline namespace inverter {

FrameInput::FrameInput(int fd, int stop_fd, const Logger& log, bool strict, Metrics* metrics)
    : in_(fd, stop_fd, log, {strict}, metrics), metrics_(metrics) {
  if (metrics_) {
    metrics_->counter(metric::kFramesIn, "Frames read");
    metrics_->add(metric::kFramesIn, 0);
  }
}

LineInput::Status FrameInput::next(Json& frame, int timeout_ms) {
  for (;;) {
    const auto st = in_.next(line_, timeout_ms);
    if (st != LineInput::Status::line) return st;
    if (const std::string problem = parse_frame(line_, frame); !problem.empty()) {
      in_.reject("not a frame: " + problem);
      continue;
    }
    if (metrics_) metrics_->add(metric::kFramesIn);
    return st;
  }
}

}  // namespace inverter
}  // namespace mtec
