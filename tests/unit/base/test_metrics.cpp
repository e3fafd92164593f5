// Metrics: what the writer renders the parser reads back; malformed lines are skipped.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

TEST(Metrics, AStateChangeIsDueAtOnceOtherChangesWithTheInterval) {
  Metrics m("", "mtec-read", std::chrono::seconds(5));
  m.state_gauge("mtec_modbus_connected", "Connected");
  m.gauge("mtec_battery_soc_percent", "SOC");
  m.set("mtec_battery_soc_percent", 50);
  m.write();
  const auto periodic = m.next_write();
  m.set("mtec_battery_soc_percent", 51);  // a value: with the interval
  EXPECT_EQ(m.next_write(), periodic);
  m.set("mtec_modbus_connected", 0);  // a first series: at once
  EXPECT_LT(m.next_write(), periodic);
  m.write();
  const auto quiet = m.next_write();
  m.set("mtec_modbus_connected", 0);  // no change
  EXPECT_EQ(m.next_write(), quiet);
  m.set("mtec_modbus_connected", 1);  // a change of state: at once
  EXPECT_EQ(quiet - m.next_write(), std::chrono::milliseconds(5000));
}

TEST(Metrics, TheStagesAreNamed) {
  Metrics m("", "mtec-calc");
  m.expect_stages({"mtec-read", "mtec-calc"});
  const auto s = parse_metrics_text(m.render());
  EXPECT_EQ(metric_value(s, "mtec_pipeline_stage", "stage=\"mtec-read\""), 1);
  EXPECT_EQ(metric_value(s, "mtec_pipeline_stage", "stage=\"mtec-calc\""), 1);
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

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A planted name in the metrics directory is never written through: the old
// temporary name and the target itself as symlinks to another file.
TEST(Metrics, PlantedSymlinksAreNeverFollowed) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("mtec-metrics-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path victim = dir / "victim", prom = dir / "mtec-read.prom";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, dir / "mtec-read.prom.tmp");
  fs::create_symlink(victim, prom);
  {
    Metrics m(prom.string(), "mtec-read");
    m.gauge("mtec_modbus_connected", "Connected");
    m.set("mtec_modbus_connected", 1);
    m.write();
  }
  EXPECT_EQ(file_text(victim), "precious\n");
  ASSERT_FALSE(fs::is_symlink(prom));  // replaced, not followed
  EXPECT_EQ(metric_value(parse_metrics_text(file_text(prom)), "mtec_modbus_connected"), 1);
  struct stat st {};
  ASSERT_EQ(::stat(prom.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  // nothing left behind but the planted link, the victim and the file
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 3u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mtec
