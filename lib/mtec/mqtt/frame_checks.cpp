#include "mtec/mqtt/frame_checks.hpp"

#include <fmt/format.h>

#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/mqtt/state_messages.hpp"

namespace mtec::mqtt {

// A frame older than --max-frame-age is not published as current: the
// pipeline stalled (a stopped stage, a full pipe). Told once per episode.
bool FrameChecks::stale(const Json& f) {
  if (max_age_.count() <= 0 || !f.contains("ts") || !f["ts"].is_string()) return false;
  const auto t = parse_timestamp(f["ts"].get<std::string>());
  if (!t) return false;
  const auto age = wall_() - *t;
  if (age <= max_age_) {
    if (stale_dropped_)
      log_.notice(fmt::format("frames are current again: {} stale frame{} not published",
                              stale_dropped_, stale_dropped_ == 1 ? " was" : "s were"));
    stale_dropped_ = 0;
    return false;
  }
  if (stale_dropped_++ == 0)
    log_.warn(
        fmt::format("a {} frame is {} s old (more than {} s): stale frames are not published "
                    "as current (did a stage of the pipeline stall?)",
                    untrusted(f["group"].get<std::string>()),
                    std::chrono::duration_cast<std::chrono::seconds>(age).count(),
                    std::chrono::duration<double>(max_age_).count()));
  if (metrics_) metrics_->add(metric::kFramesStale);
  return true;
}

bool FrameChecks::topic_safe(const Json& f, const std::string& serial, const std::string& group) {
  const std::string bad = unpublishable_level(serial, group, f["values"]);
  if (bad.empty()) return true;
  if (metrics_) metrics_->add(metric::kFramesRefused);
  repeats_.warn("refused", bad,
                fmt::format("a {} frame with {}: not a valid topic level (no '/', '+', '#', "
                            "control characters; UTF-8); nothing of it is published",
                            untrusted(group), bad));
  return false;
}

}  // namespace mtec::mqtt
