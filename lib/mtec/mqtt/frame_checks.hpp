// What a frame must pass before an MQTT session publishes it: not older
// than --max-frame-age (data older than its bound are not published as
// current), and a serial, group and keys that can be topic levels. Each
// refusal is logged as the repeats allow and counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec::mqtt {

// --- Interface ---

class FrameChecks {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  // `max_frame_age` 0: any age (e.g. a replay of recorded frames).
  FrameChecks(std::chrono::milliseconds max_frame_age, const Logger& log, RepeatedWarnings& repeats,
              WallClock wall)
      : max_age_(max_frame_age), log_(log), repeats_(repeats), wall_(std::move(wall)) {}

  // Count refusals in `m` (mtec_frames_stale_total, mtec_frames_refused_total,
  // declared by the session).
  void attach(Metrics& m) { metrics_ = &m; }
  // Whether frame `f` is older than max_frame_age by its "ts" (a frame
  // without one is not); the first of an episode is told, and its end.
  bool stale(const Json& f);
  // Whether `serial`, `group` and every key of `f` can be topic levels;
  // warns once per bad level and counts the refused frame otherwise.
  bool topic_safe(const Json& f, const std::string& serial, const std::string& group);
  // Stale frames not published in the current episode.
  uint64_t stale_dropped() const { return stale_dropped_; }

 private:
  std::chrono::milliseconds max_age_;
  const Logger& log_;
  RepeatedWarnings& repeats_;
  WallClock wall_;
  Metrics* metrics_ = nullptr;
  uint64_t stale_dropped_ = 0;
};

}  // namespace mtec::mqtt
