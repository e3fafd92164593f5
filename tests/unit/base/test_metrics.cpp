// Metrics: what the writer renders the parser reads back; malformed lines are skipped.
#include <gtest/gtest.h>

#include "mtec/base/metrics.hpp"

namespace mtec {
namespace {

TEST(Metrics, RenderedTextParsesBack) {
  Metrics m("", "mtec-read");
  m.counter("mtec_modbus_requests_total", "Requests");
  m.gauge("mtec_modbus_connected", "Connected");
  m.histogram("mtec_modbus_request_duration_seconds", "Durations", {0.1, 1});
  m.add("mtec_modbus_requests_total", 3, "result=\"ok\"");
  m.add("mtec_modbus_requests_total", 2, "result=\"error\",class=\"timeout\"");
  m.set("mtec_modbus_connected", 1);
  m.observe("mtec_modbus_request_duration_seconds", 0.5);
  const MetricSamples s = parse_metrics_text(m.render());
  EXPECT_EQ(metric_value(s, "mtec_modbus_requests_total", "result=\"ok\""), 3);
  EXPECT_EQ(metric_value(s, "mtec_modbus_requests_total", "class=\"timeout\""), 2);
  EXPECT_EQ(metric_value(s, "mtec_modbus_connected"), 1);
  EXPECT_EQ(metric_value(s, "mtec_modbus_request_duration_seconds_count"), 1);
  EXPECT_EQ(metric_value(s, "mtec_modbus_request_duration_seconds_bucket", "le=\"0.1\""), 0);
  EXPECT_EQ(metric_value(s, "mtec_modbus_request_duration_seconds_bucket", "le=\"1\""), 1);
  EXPECT_TRUE(metric_value(s, "mtec_process_start_time_seconds").has_value());
  EXPECT_FALSE(metric_value(s, "mtec_nothing").has_value());
}

TEST(Metrics, MalformedLinesAreSkipped) {
  const MetricSamples s = parse_metrics_text(
      "# HELP a b\n"
      "good 1.5\n"
      "nonumber\n"
      "bad abc\n"
      "open{x=\"1\" 2\n"
      " 3\n"
      "labelled{x=\"a b\"} 4\n"
      "last 5");
  EXPECT_EQ(metric_value(s, "good"), 1.5);
  EXPECT_EQ(metric_value(s, "labelled", "x=\"a b\""), 4);
  EXPECT_EQ(metric_value(s, "last"), 5);
  EXPECT_EQ(s.size(), 3u);
}

}  // namespace
}  // namespace mtec
