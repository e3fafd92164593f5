// mtec-health: healthy / degraded / unhealthy from the tools' metrics files.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "mtec/cli.hpp"
#include "mtec/errors.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

// name -> (labels -> value) of one metrics file
using Samples = std::map<std::string, std::map<std::string, double>>;

Samples parse(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, "cannot read metrics file " + path);
  Samples s;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto brace = line.find('{');
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string name = line.substr(0, std::min(brace, space));
    const std::string labels = brace < space ? line.substr(brace, line.find('}') - brace + 1) : "";
    s[name][labels] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return s;
}

std::optional<double> value(const Samples& s, const std::string& name,
                            const std::string& label_part = "") {
  auto it = s.find(name);
  if (it == s.end()) return std::nullopt;
  for (const auto& [labels, v] : it->second)
    if (label_part.empty() || labels.find(label_part) != std::string::npos) return v;
  return std::nullopt;
}

int health_main(int argc, char** argv) {
  CLI::App app{
      "Tell from the mtec-tools metrics files whether the bridge is healthy.\n"
      "Prints healthy, degraded or unhealthy with the reasons."};
  app.set_version_flag("--version", mtec::version_string("mtec-health"));
  std::vector<std::string> files;
  std::string dir;
  double max_age = 60, stale = 30;
  app.add_option("FILE", files, "Metrics files (--metrics-file of the tools)");
  app.add_option("-d,--dir", dir, "Read every *.prom file of DIR")->option_text("DIR");
  app.add_option("--max-age", max_age, "now-base data older than SECONDS is stale (default 60)")
      ->option_text("SECONDS");
  app.add_option("--stale", stale,
                 "a metrics file older than SECONDS means its tool is not running (default 30)")
      ->option_text("SECONDS");
  mtec::parse_args(app, argc, argv);
  if (!dir.empty()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".prom") files.push_back(e.path().string());
    if (ec) throw Error(ErrorClass::no_input, fmt::format("cannot read {}: {}", dir, ec.message()));
  }
  if (files.empty()) throw Error(ErrorClass::usage, "no metrics files (give FILE... or --dir)");

  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> unhealthy, degraded;
  std::optional<std::string> availability;  // what mtec-publish would publish
  for (const auto& f : files) {
    const Samples s = parse(f);
    if (const auto it = s.find("mtec_availability_online"); it != s.end())
      for (const auto& [labels, v] : it->second) {
        const auto at = labels.find("topic=\"");
        const std::string topic =
            at == std::string::npos ? "" : labels.substr(at + 7, labels.find('"', at + 7) - at - 7);
        availability =
            fmt::format("{}{}", v != 0 ? "online" : "offline", topic.empty() ? "" : " on " + topic);
      }
    const std::string tool = std::filesystem::path(f).stem().string();
    if (auto t = value(s, "mtec_metrics_updated_timestamp_seconds"); t && now - *t > stale)
      unhealthy.push_back(fmt::format("{} not running (metrics {:.0f} s old)", tool, now - *t));
    if (auto c = value(s, "mtec_modbus_connected"); c && *c == 0) {
      const bool breaker = value(s, "mtec_modbus_breaker_open").value_or(0) != 0;
      unhealthy.push_back(breaker ? "inverter unreachable (circuit breaker open)"
                                  : "inverter unreachable");
    }
    if (auto t = value(s, "mtec_group_last_success_timestamp_seconds", "group=\"now-base\"");
        t && now - *t > max_age)
      unhealthy.push_back(fmt::format("no fresh now-base data for {:.0f} s", now - *t));
    if (auto c = value(s, "mtec_mqtt_connected"); c && *c == 0) unhealthy.push_back("broker down");
    if (auto h = value(s, "mtec_mqtt_held_messages"); h && *h > 0)
      degraded.push_back(fmt::format("{:.0f} values held for the broker", *h));
    if (auto w = value(s, "mtec_writes_total", "result=\"failed\""); w && *w > 0)
      degraded.push_back(fmt::format("{:.0f} writes failed", *w));
    if (auto b = value(s, "mtec_bad_lines_total"); b && *b > 0)
      degraded.push_back(fmt::format("{}: {:.0f} bad input lines", tool, *b));
  }
  // the availability state goes on a line of its own, after the verdict
  const auto print_availability = [&] {
    if (availability) std::printf("availability: %s\n", availability->c_str());
  };
  if (!unhealthy.empty()) {
    std::printf("unhealthy: %s\n", fmt::format("{}", fmt::join(unhealthy, "; ")).c_str());
    print_availability();
    return mtec::exit_code(ErrorClass::unavailable);
  }
  if (!degraded.empty()) {
    std::printf("degraded: %s\n", fmt::format("{}", fmt::join(degraded, "; ")).c_str());
    print_availability();
    return mtec::exit_code(ErrorClass::temp_fail);
  }
  std::printf("healthy\n");
  print_availability();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-health", argc, argv, [&] { return health_main(argc, argv); });
}
