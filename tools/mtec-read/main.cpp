// mtec-read: read the inverter over Modbus TCP and write NDJSON frames.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/suggest.hpp"
#include "mtec/control/control.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/group.hpp"
#include "mtec/inverter/read_report.hpp"
#include "read_job.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

int read_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-read",
                    "Read M-TEC inverter registers over Modbus TCP and write NDJSON frames.\n"
                    "Without REGISTER or -g, all groups are read.");
  CLI::App& app = cli.app;
  mtec::app::CommonOptions common;
  mtec::app::ModbusOptions modbus;
  mtec::app::MetricsOptions metrics;
  std::vector<std::string> targets, groups;
  bool all = false, list = false, follow = false, raw = false, table = false;
  std::optional<std::string> control;
  mtec::app::ConfigFlags read_flags;  // the reader's own keys
  app.add_option("REGISTER", targets, "mqtt key, address or catalog name");
  app.add_option("-g,--group", groups, "Read a group (repeatable)")->option_text("GROUP");
  app.add_flag("-a,--all", all, "Read every group (the default)");
  app.add_flag("-l,--list", list, "Print the catalog and exit (no connection)");
  std::optional<std::string> list_labels;
  app.add_option("--list-labels", list_labels,
                 "Print the labels of REGISTER and their codes and exit (no connection)")
      ->option_text("REGISTER");
  bool show_config = false;
  app.add_flag("--show-config", show_config,
               "Print the effective settings, where each comes from, and exit");
  app.add_flag("-f,--follow", follow, "Poll on the legacy schedule until stopped");
  app.add_flag("-r,--raw", raw, "Add the words read to each frame");
  app.add_flag("-T,--table", table, "Aligned columns for people instead of NDJSON");
  // -t was --table before it meant --topic across the tools (mtec-publish, mosquitto)
  bool old_table = false;
  app.add_flag("-t", old_table)->group("");
  app.add_option("--control", control, "With --follow: control socket for writes")
      ->option_text("PATH");
  read_flags.option(app, "--max-gap", "MODBUS_MAX_GAP",
                    "Merge requests across gaps of up to N words", "N", CLI::NonNegativeNumber);
  std::optional<std::string> probe_host;
  app.add_option("--probe", probe_host,
                 "Find the port, framing and unit id HOST answers on: PORT, -p's, or the "
                 "configured port, 502 and 5743")
      ->option_text("[HOST[:PORT]]")
      ->expected(0, 1);
  read_flags.option(app, "--refresh-now", "REFRESH_NOW", "Poll period in seconds", "SECONDS",
                    CLI::PositiveNumber);
  common.add_to(app);
  modbus.add_to(app);
  metrics.add_to(app);
  mtec::Logger log = cli.parse(argc, argv);
  if (old_table) {
    log.warn("-t is now -T (--table); -t means --topic in mtec-publish");
    table = true;
  }
  if (show_config) {  // the settings alone: no catalog needed (mtec2mqtt's start-up check)
    mtec::Config config = common.load_config(log);
    modbus.apply(config);
    read_flags.apply(config);
    std::fputs(config.describe().c_str(), stdout);
    return 0;
  }
  const mtec::Catalog catalog = common.load_catalog();
  if (list) {
    mtec::read::print_list(catalog);
    return 0;
  }
  if (list_labels) {
    mtec::read::print_labels(catalog, *list_labels);
    return 0;
  }
  mtec::Config config = common.load_config(log);
  modbus.apply(config);
  if (app.count("--probe")) {
    const auto flag = modbus.flags.given("MODBUS_PORT");
    // the raw keys: a bad port in the file is one of the things to probe for
    const std::string port = config.raw("MODBUS_PORT").value_or("502");
    const bool number = !port.empty() && port.size() <= 5 &&
                        port.find_first_not_of("0123456789") == std::string::npos;
    const auto t = mtec::app::probe_target(
        probe_host.value_or(""), config.raw("MODBUS_IP").value_or(""),
        number ? std::stoi(port) : 502, flag ? std::optional<int>(std::stoi(*flag)) : std::nullopt);
    return mtec::read::probe(t.host, t.ports, log);
  }
  read_flags.apply(config);
  const mtec::Settings settings = config.settings();
  if (follow && (!targets.empty() || !groups.empty() || table))
    throw Error(ErrorClass::usage,
                "--follow reads the legacy schedule; it takes no REGISTER, -g or --table");
  if (control && !follow) throw Error(ErrorClass::usage, "--control needs --follow");

  mtec::read::ReadJob job{catalog,
                          settings,
                          log,
                          {},
                          {},
                          {},
                          raw,
                          table,
                          control.value_or(""),
                          metrics.file,
                          metrics.period(),
                          metrics.stages()};
  for (const auto& t : targets) {
    const mtec::Register* r = catalog.find(t);
    if (!r) throw Error(ErrorClass::usage, "unknown register '" + t + "' (see mtec-read --list)");
    if (!r->address)
      throw Error(ErrorClass::usage, "'" + t + "' is calculated, not read: mtec-calc adds it");
    job.selected.insert(r);
  }
  for (const auto& name : groups) {
    const auto g = mtec::parse_group(name);
    if (!g) {
      const auto known = mtec::all_group_names();
      throw Error(ErrorClass::usage,
                  fmt::format("unknown group '{}'{} (groups: {})", name,
                              mtec::did_you_mean(name, known), fmt::join(known, ", ")));
    }
    for (const mtec::Register* r : catalog.group(*g))
      if (r->address) job.selected.insert(r);
  }
  if (all || job.selected.empty())
    for (const auto& r : catalog.entries())
      if (r.address) job.selected.insert(&r);
  for (const mtec::Group g : mtec::kAllGroups)
    if (std::any_of(job.selected.begin(), job.selected.end(),
                    [g](const mtec::Register* r) { return r->group == g; }))
      job.groups.push_back(g);
  job.asked = !targets.empty()  ? mtec::name_list(targets)
              : !groups.empty() ? mtec::name_list(groups)
                                : std::string("all groups");

  if (follow)  // the service's start: a migrated config may have meant rtu
    if (const auto n = config.framer_notice()) log.notice(*n);
  return follow ? mtec::read::read_follow(job) : mtec::read::read_once(job);
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-read", argc, argv, [&] { return read_main(argc, argv); });
}
