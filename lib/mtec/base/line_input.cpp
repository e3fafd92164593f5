#include "mtec/base/line_input.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/metric_names.hpp"

namespace mtec {
inline namespace base {

LineInput::LineInput(int fd, int stop_fd, const Logger& log, Options o, Metrics* metrics)
    : in_(fd, stop_fd, o.max_line), log_(log), o_(std::move(o)), metrics_(metrics) {
  if (metrics_) {
    metrics_->counter(metric::kBadLines, "Input lines that were skipped as bad");
    metrics_->add(metric::kBadLines, 0);
  }
}

LineInput::Status LineInput::next(std::string& line, int timeout_ms) {
  for (;;) {
    const auto st = in_.next_within(line, timeout_ms);
    if (st == LineReader::Status::timeout) return Status::timeout;
    if (st != LineReader::Status::line) return Status::end;
    ++lines_;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (in_.truncated()) {
      reject("line too long");
      continue;
    }
    return Status::line;
  }
}

void LineInput::reject(const std::string& why) {
  ++rejected_;
  if (metrics_) metrics_->add(metric::kBadLines);
  if (o_.strict) throw Error(ErrorClass::data, fmt::format("line {}: {}", lines_, why));
  log_.warn(fmt::format("line {}: {} (skipped)", lines_, why));
}

void LineInput::summarize() const {
  if (rejected_) log_.notice(fmt::format("{} of {} lines {}", rejected_, lines_, o_.verdict));
}

}  // namespace base
}  // namespace mtec
