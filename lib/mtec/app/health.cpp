#include "mtec/app/health.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/inverter/group.hpp"

namespace mtec::app {

namespace {

// The value of `key` in `{tool="x",key="value"}` ("" when it is not there).
std::string label_value(const std::string& labels, std::string_view key) {
  const std::string start = fmt::format("{}=\"", key);
  const auto at = labels.find(start);
  if (at == std::string::npos) return "";
  const auto from = at + start.size();
  return labels.substr(from, labels.find('"', from) - from);
}

std::optional<std::string> availability_of(const MetricSamples& s) {
  const auto it = s.find(metric::kAvailabilityOnline);
  if (it == s.end() || it->second.empty()) return std::nullopt;
  const auto& [labels, v] = *it->second.begin();
  const std::string topic = label_value(labels, "topic");
  return fmt::format("{}{}", v != 0 ? "online" : "offline",
                     topic.empty() ? "" : " on " + untrusted(topic));
}

// The label of the now-base group's samples: group="now-base".
std::string now_base_label() { return fmt::format("group=\"{}\"", group_name(Group::now_base)); }

struct Findings {
  std::vector<std::string> unhealthy, starting, degraded;
};

double age_of(const ToolMetrics& t, double now, const HealthLimits& limits) {
  const auto started = metric_value(t.samples, metric::kProcessStart);
  return started ? now - *started : limits.grace;
}

// The tool's first values: a reader's now-base data, a publisher's first
// message to the broker. Until then an unconnected peer is "not there yet".
bool has_delivered(const MetricSamples& s) {
  return metric_value(s, metric::kGroupLastSuccess, now_base_label()) ||
         metric_value(s, metric::kMqttPublishes).value_or(0) > 0;
}

// One running tool's file. Problems that only mean "not there yet" count as
// starting inside the grace, until the tool's first values.
void assess_tool(const ToolMetrics& t, double now, const HealthLimits& limits, Findings& out) {
  const MetricSamples& s = t.samples;
  const double age = age_of(t, now, limits);
  const bool in_grace = age < limits.grace && !has_delivered(s);
  // inside the grace what the tool is doing (one clause per tool), after it what is wrong
  std::vector<std::string> doings;
  auto not_yet = [&](std::string doing, std::string reason) {
    if (in_grace)
      doings.push_back(std::move(doing));
    else
      out.unhealthy.push_back(std::move(reason));
  };
  if (auto c = metric_value(s, metric::kModbusConnected); c && *c == 0) {
    const bool breaker = metric_value(s, metric::kModbusBreakerOpen).value_or(0) != 0;
    const bool failed = metric_value(s, metric::kModbusConnectAttempts).value_or(0) > 1;
    const std::string why =
        breaker ? "inverter unreachable (circuit breaker open)" : "inverter unreachable";
    not_yet(breaker || failed ? why : "connecting to the inverter", why);
  }
  if (metric_value(s, metric::kModbusConnected)) {
    if (auto last = metric_value(s, metric::kGroupLastSuccess, now_base_label())) {
      if (now - *last > limits.max_age)
        out.unhealthy.push_back(fmt::format("no fresh now-base data for {:.0f} s", now - *last));
    } else {
      not_yet("waiting for the first now-base data", "no now-base data yet");
    }
  }
  if (auto c = metric_value(s, metric::kMqttConnected); c && *c == 0)
    not_yet("connecting to the broker", "broker down");
  if (!doings.empty())
    out.starting.push_back(fmt::format("{} started {:.0f} s ago, {}", untrusted(t.tool), age,
                                       fmt::join(doings, ", ")));
  if (auto h = metric_value(s, metric::kMqttHeld); h && *h > 0)
    out.degraded.push_back(fmt::format("{:.0f} values held for the broker", *h));
  if (auto w = metric_value(s, metric::kWrites, "result=\"failed\""); w && *w > 0)
    out.degraded.push_back(fmt::format("{:.0f} writes failed", *w));
  if (auto b = metric_value(s, metric::kBadLines); b && *b > 0)
    out.degraded.push_back(fmt::format("{}: {:.0f} bad input lines", untrusted(t.tool), *b));
}

// The stages the files name (mtec_pipeline_stage) that wrote none yet: a
// stage starts a little after the others, or never did.
void assess_missing(const std::vector<ToolMetrics>& files, double now, const HealthLimits& limits,
                    Findings& out) {
  std::set<std::string> have, expected;
  double youngest = limits.grace;
  for (const auto& t : files) {
    have.insert(t.tool);
    const auto it = t.samples.find(metric::kPipelineStage);
    if (it == t.samples.end()) continue;
    youngest = std::min(youngest, age_of(t, now, limits));
    for (const auto& [labels, v] : it->second)
      if (v != 0 && !label_value(labels, "stage").empty())
        expected.insert(label_value(labels, "stage"));
  }
  for (const auto& stage : expected) {
    if (have.count(stage)) continue;
    if (youngest < limits.grace)
      out.starting.push_back(fmt::format("{} has written no metrics yet", untrusted(stage)));
    else
      out.unhealthy.push_back(fmt::format("{} not running (no metrics file)", untrusted(stage)));
  }
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
    const auto updated = metric_value(t.samples, metric::kMetricsUpdated);
    if (updated) newest = std::max(newest, *updated);
    // a stopped tool's last values (connected 0, ...) say nothing about the peers
    if (updated && now - *updated > limits.stale) {
      stopped.push_back(
          fmt::format("{} not running (metrics {:.0f} s old)", untrusted(t.tool), now - *updated));
      continue;
    }
    assess_tool(t, now, limits, f);
  }
  if (limits.whole_pipeline) assess_missing(files, now, limits, f);
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

}  // namespace mtec::app
