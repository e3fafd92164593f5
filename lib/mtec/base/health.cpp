#include "mtec/base/health.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"

namespace mtec {

namespace {

std::optional<std::string> availability_of(const MetricSamples& s) {
  const auto it = s.find("mtec_availability_online");
  if (it == s.end() || it->second.empty()) return std::nullopt;
  const auto& [labels, v] = *it->second.begin();
  const auto at = labels.find("topic=\"");
  const std::string topic =
      at == std::string::npos ? "" : labels.substr(at + 7, labels.find('"', at + 7) - at - 7);
  return fmt::format("{}{}", v != 0 ? "online" : "offline",
                     topic.empty() ? "" : " on " + untrusted(topic));
}

struct Findings {
  std::vector<std::string> unhealthy, starting, degraded;
};

// One running tool's file. Problems that only mean "not there yet" count as
// starting inside the grace.
void assess_tool(const ToolMetrics& t, double now, const HealthLimits& limits, Findings& out) {
  const MetricSamples& s = t.samples;
  const auto started = metric_value(s, "mtec_process_start_time_seconds");
  const double age = started ? now - *started : limits.grace;
  const bool in_grace = age < limits.grace;
  auto not_yet = [&](std::string reason) {
    if (in_grace)
      out.starting.push_back(
          fmt::format("{} started {:.0f} s ago, {}", untrusted(t.tool), age, reason));
    else
      out.unhealthy.push_back(std::move(reason));
  };
  if (auto c = metric_value(s, "mtec_modbus_connected"); c && *c == 0) {
    const bool breaker = metric_value(s, "mtec_modbus_breaker_open").value_or(0) != 0;
    not_yet(breaker ? "inverter unreachable (circuit breaker open)" : "inverter unreachable");
  }
  if (metric_value(s, "mtec_modbus_connected")) {
    if (auto last =
            metric_value(s, "mtec_group_last_success_timestamp_seconds", "group=\"now-base\"")) {
      if (now - *last > limits.max_age)
        out.unhealthy.push_back(fmt::format("no fresh now-base data for {:.0f} s", now - *last));
    } else {
      not_yet("no now-base data yet");
    }
  }
  if (auto c = metric_value(s, "mtec_mqtt_connected"); c && *c == 0) not_yet("broker down");
  if (auto h = metric_value(s, "mtec_mqtt_held_messages"); h && *h > 0)
    out.degraded.push_back(fmt::format("{:.0f} values held for the broker", *h));
  if (auto w = metric_value(s, "mtec_writes_total", "result=\"failed\""); w && *w > 0)
    out.degraded.push_back(fmt::format("{:.0f} writes failed", *w));
  if (auto b = metric_value(s, "mtec_bad_lines_total"); b && *b > 0)
    out.degraded.push_back(fmt::format("{}: {:.0f} bad input lines", untrusted(t.tool), *b));
}

}  // namespace

int Health::exit_code() const {
  switch (state) {
    case State::healthy: return 0;
    case State::starting:
    case State::degraded: return mtec::exit_code(ErrorClass::temp_fail);
    case State::unhealthy: return mtec::exit_code(ErrorClass::unavailable);
  }
  return mtec::exit_code(ErrorClass::software);
}

std::string Health::verdict() const {
  static constexpr const char* names[] = {"healthy", "starting", "degraded", "unhealthy"};
  const char* name = names[static_cast<int>(state)];
  if (reasons.empty()) return name;
  return fmt::format("{}: {}", name, fmt::join(reasons, "; "));
}

Health assess_health(const std::vector<ToolMetrics>& files, double now,
                     const HealthLimits& limits) {
  Health h;
  Findings f;
  std::vector<std::string> stopped;
  double newest = 0;
  for (const auto& t : files) {
    if (auto a = availability_of(t.samples)) h.availability = a;
    const auto updated = metric_value(t.samples, "mtec_metrics_updated_timestamp_seconds");
    if (updated) newest = std::max(newest, *updated);
    // a stopped tool's last values (connected 0, ...) say nothing about the peers
    if (updated && now - *updated > limits.stale) {
      stopped.push_back(
          fmt::format("{} not running (metrics {:.0f} s old)", untrusted(t.tool), now - *updated));
      continue;
    }
    assess_tool(t, now, limits, f);
  }
  if (!files.empty() && stopped.size() == files.size()) {
    h.state = Health::State::unhealthy;
    h.reasons = {fmt::format("pipeline not running (metrics {:.0f} s old)", now - newest)};
    return h;
  }
  f.unhealthy.insert(f.unhealthy.begin(), stopped.begin(), stopped.end());
  if (!f.unhealthy.empty()) {
    h.state = Health::State::unhealthy;
    h.reasons = std::move(f.unhealthy);
  } else if (!f.starting.empty()) {
    h.state = Health::State::starting;
    h.reasons = std::move(f.starting);
  } else if (!f.degraded.empty()) {
    h.state = Health::State::degraded;
    h.reasons = std::move(f.degraded);
  }
  return h;
}

}  // namespace mtec
