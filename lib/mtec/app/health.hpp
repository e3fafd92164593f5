// mtec-health's verdict from the tools' metrics: healthy, degraded,
// unhealthy, or starting (inside the start-up grace nothing is held against
// a tool that has not connected or read yet). Pure: samples and time in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mtec/base/metrics.hpp"

namespace mtec::app {

// --- Interface ---

struct ToolMetrics {
  std::string tool;  // "mtec-read" (the file's stem)
  MetricSamples samples;
};

struct HealthLimits {
  double max_age = 60;  // now-base data older than this is stale
  double stale = 30;    // a metrics file older than this: its tool is not running
  double grace = 60;    // a tool started less than this ago is still starting
  // The files are a whole pipeline's (mtec-health --dir): a stage they name
  // (mtec_pipeline_stage) without a file of its own is starting or missing.
  bool whole_pipeline = true;
};

struct Health {
  enum class State { healthy, starting, degraded, unhealthy };
  State state = State::healthy;
  std::vector<std::string> reasons;
  std::optional<std::string> availability;  // "online on TOPIC", as mtec-publish published it
  // 0 healthy, 75 starting or degraded, 69 unhealthy (mtec-health(1)).
  int exit_code() const;
  // "healthy", "starting: ...", "degraded: ...", "unhealthy: ...".
  std::string verdict() const;
};

// `now` in Unix seconds.
Health assess_health(const std::vector<ToolMetrics>& files, double now, const HealthLimits& limits);

}  // namespace mtec::app
