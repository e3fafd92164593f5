// mtec-health's rules: start-up grace, stopped tools, broker and inverter.
#include <gtest/gtest.h>

#include "mtec/app/health.hpp"

namespace mtec::app {
namespace {

constexpr double kNow = 1'800'000'000;

ToolMetrics reader(double started, double updated, double connected,
                   std::optional<double> last_nowbase) {
  ToolMetrics t{"mtec-read", {}};
  t.samples["mtec_process_start_time_seconds"][""] = started;
  t.samples["mtec_metrics_updated_timestamp_seconds"][""] = updated;
  t.samples["mtec_modbus_connected"][""] = connected;
  if (last_nowbase)
    t.samples["mtec_group_last_success_timestamp_seconds"]["{group=\"now-base\"}"] = *last_nowbase;
  return t;
}

ToolMetrics publisher(double started, double updated, double connected) {
  ToolMetrics t{"mtec-publish", {}};
  t.samples["mtec_process_start_time_seconds"][""] = started;
  t.samples["mtec_metrics_updated_timestamp_seconds"][""] = updated;
  t.samples["mtec_mqtt_connected"][""] = connected;
  return t;
}

TEST(Health, JustStartedIsStartingNotUnhealthy) {
  const auto h = assess_health(
      {reader(kNow - 2, kNow, 0, std::nullopt), publisher(kNow - 2, kNow, 0)}, kNow, {});
  EXPECT_EQ(h.state, Health::State::starting);
  EXPECT_EQ(h.exit_code(), 75);
  EXPECT_EQ(
      h.verdict(),
      "starting: mtec-read started 2 s ago, connecting to the inverter, waiting for the first "
      "now-base data; mtec-publish started 2 s ago, connecting to the broker");
}

TEST(Health, InTheGraceAFailedConnectIsNamed) {
  auto r = reader(kNow - 2, kNow, 0, std::nullopt);
  r.samples["mtec_modbus_connect_attempts_total"][""] = 3;
  const auto h = assess_health({r}, kNow, {});
  EXPECT_EQ(h.state, Health::State::starting);
  EXPECT_EQ(h.verdict().rfind("starting: mtec-read started 2 s ago, inverter unreachable, ", 0), 0u)
      << h.verdict();
}

TEST(Health, AfterTheGraceTheSameIsUnhealthy) {
  const auto h = assess_health(
      {reader(kNow - 120, kNow, 0, std::nullopt), publisher(kNow - 120, kNow, 0)}, kNow, {});
  EXPECT_EQ(h.state, Health::State::unhealthy);
  EXPECT_EQ(h.exit_code(), 69);
  EXPECT_EQ(h.verdict(), "unhealthy: inverter unreachable; no now-base data yet; broker down");
}

TEST(Health, RunningWithFreshDataIsHealthy) {
  const auto h = assess_health(
      {reader(kNow - 120, kNow, 1, kNow - 5), publisher(kNow - 120, kNow, 1)}, kNow, {});
  EXPECT_EQ(h.verdict(), "healthy");
  EXPECT_EQ(h.exit_code(), 0);
}

TEST(Health, StaleDataIsUnhealthyEvenInTheGrace) {
  HealthLimits l;
  l.max_age = 10;
  const auto h = assess_health({reader(kNow - 5, kNow, 1, kNow - 30)}, kNow, l);
  EXPECT_EQ(h.verdict(), "unhealthy: no fresh now-base data for 30 s");
}

TEST(Health, AStoppedPipelineIsNotABrokerOutage) {
  // both tools wrote their last files (connected 0) when they stopped
  const auto h = assess_health(
      {reader(kNow - 900, kNow - 600, 0, kNow - 601), publisher(kNow - 900, kNow - 600, 0)}, kNow,
      {});
  EXPECT_EQ(h.verdict(), "unhealthy: pipeline not running (metrics 600 s old)");
}

TEST(Health, OneStoppedToolIsNamedAndItsLastValuesIgnored) {
  const auto h = assess_health(
      {reader(kNow - 900, kNow, 1, kNow - 1), publisher(kNow - 900, kNow - 100, 0)}, kNow, {});
  EXPECT_EQ(h.verdict(), "unhealthy: mtec-publish not running (metrics 100 s old)");
}

TEST(Health, HeldValuesAreDegradedAndAvailabilityIsReported) {
  auto p = publisher(kNow - 900, kNow, 1);
  p.samples["mtec_mqtt_held_messages"][""] = 4;
  p.samples["mtec_availability_online"]["{tool=\"mtec-publish\",topic=\"MTEC/x/availability\"}"] =
      1;
  const auto h = assess_health({reader(kNow - 900, kNow, 1, kNow - 1), p}, kNow, {});
  EXPECT_EQ(h.verdict(), "degraded: 4 values held for the broker");
  EXPECT_EQ(h.exit_code(), 75);
  EXPECT_EQ(h.availability, "online on MTEC/x/availability");
}

TEST(Health, AfterTheFirstValuesAnOutageIsNoLongerStarting) {
  auto p = publisher(kNow - 5, kNow, 0);
  p.samples["mtec_mqtt_publishes_total"][""] = 120;
  const auto h = assess_health({reader(kNow - 5, kNow, 0, kNow - 3), p}, kNow, {});
  EXPECT_EQ(h.verdict(), "unhealthy: inverter unreachable; broker down");
}

ToolMetrics in_pipeline(ToolMetrics t, std::initializer_list<const char*> stages) {
  for (const char* s : stages)
    t.samples["mtec_pipeline_stage"][std::string("{tool=\"") + t.tool + "\",stage=\"" + s + "\"}"] =
        1;
  return t;
}

TEST(Health, AStageWithoutItsFileIsWaitedForInTheGrace) {
  const auto r = in_pipeline(reader(kNow - 1, kNow, 1, kNow - 1), {"mtec-read", "mtec-publish"});
  const auto h = assess_health({r}, kNow, {});
  EXPECT_EQ(h.verdict(), "starting: mtec-publish has written no metrics yet");
  const auto later =
      in_pipeline(reader(kNow - 100, kNow, 1, kNow - 1), {"mtec-read", "mtec-publish"});
  EXPECT_EQ(assess_health({later}, kNow, {}).verdict(),
            "unhealthy: mtec-publish not running (no metrics file)");
  const auto both = assess_health(
      {r, in_pipeline(publisher(kNow - 1, kNow, 1), {"mtec-read", "mtec-publish"})}, kNow, {});
  EXPECT_EQ(both.verdict(), "healthy");
  HealthLimits just_these;  // mtec-health FILE...: the files named, no more
  just_these.whole_pipeline = false;
  EXPECT_EQ(assess_health({later}, kNow, just_these).verdict(), "healthy");
}

}  // namespace
}  // namespace mtec::app
