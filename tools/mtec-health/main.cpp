// mtec-health: healthy / starting / degraded / unhealthy from the tools' metrics files
// (the rules: lib/mtec/app/health.hpp).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mtec/app/health.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

mtec::app::ToolMetrics read_metrics_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, "cannot read metrics file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return {std::filesystem::path(path).stem().string(), mtec::parse_metrics_text(text.str())};
}

int health_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-health",
                    "Tell from the mtec-tools metrics files whether the bridge is healthy.\n"
                    "Prints healthy (exit 0), starting or degraded (75) or unhealthy (69)\n"
                    "with the reasons: starting until the first values, inside --grace.",
                    mtec::ToolCli::Logging::none);
  CLI::App& app = cli.app;
  std::vector<std::string> files;
  std::string dir;
  mtec::app::HealthLimits limits;
  app.add_option("FILE", files, "Metrics files (--metrics-file of the tools)");
  app.add_option("-d,--dir", dir,
                 "Read every *.prom file of DIR (default with no FILE: $MTEC_METRICS_DIR)")
      ->option_text("DIR");
  app.add_option("--max-age", limits.max_age,
                 "now-base data older than SECONDS is stale (default 60)")
      ->option_text("SECONDS");
  app.add_option("--stale", limits.stale,
                 "a metrics file older than SECONDS means its tool is not running (default 30)")
      ->option_text("SECONDS");
  app.add_option("--grace", limits.grace,
                 "a tool started less than SECONDS ago is starting, not unhealthy (default 60)")
      ->option_text("SECONDS");
  cli.parse(argc, argv);
  // mtec2mqtt's directory, as the README's drop-in sets it for the unit
  if (const char* env = std::getenv("MTEC_METRICS_DIR"); files.empty() && dir.empty() && env)
    dir = env;
  limits.whole_pipeline = !dir.empty();  // FILE...: just those tools
  if (!dir.empty()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.path().extension() == ".prom") files.push_back(e.path().string());
    if (ec) throw Error(ErrorClass::no_input, fmt::format("cannot read {}: {}", dir, ec.message()));
  }
  if (files.empty() && !dir.empty()) {
    // the pipeline writes its files within a second of starting
    std::printf("starting: no metrics files in %s yet (the pipeline is starting or never ran)\n",
                dir.c_str());
    return mtec::exit_code(ErrorClass::temp_fail);
  }
  if (files.empty()) throw Error(ErrorClass::usage, "no metrics files (give FILE... or --dir)");

  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<mtec::app::ToolMetrics> metrics;
  for (const auto& f : files) metrics.push_back(read_metrics_file(f));
  const mtec::app::Health h = mtec::app::assess_health(metrics, now, limits);
  std::printf("%s\n", h.verdict().c_str());
  // the availability state goes on a line of its own, after the verdict
  if (h.availability) std::printf("availability: %s\n", h.availability->c_str());
  return h.exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-health", argc, argv, [&] { return health_main(argc, argv); });
}
