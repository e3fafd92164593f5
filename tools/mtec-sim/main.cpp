// mtec-sim: a Modbus TCP server that serves the register catalog, for tests
// and for running the pipeline without an inverter.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/sim/animation.hpp"
#include "mtec/sim/server.hpp"
#include "mtec/sim/snapshot.hpp"

namespace {

std::pair<uint16_t, int> parse_exception(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string a = spec.substr(0, colon);
  const std::string c = colon == std::string::npos ? "2" : spec.substr(colon + 1);
  char* end = nullptr;
  const long addr = std::strtol(a.c_str(), &end, 10);
  if (a.empty() || *end || addr < 0 || addr > 65535)
    throw mtec::Error(mtec::ErrorClass::usage,
                      "--exception " + spec + ": address must be 0..65535");
  const long code = std::strtol(c.c_str(), &end, 10);
  if (c.empty() || *end || code < 1 || code > 255)
    throw mtec::Error(mtec::ErrorClass::usage, "--exception " + spec + ": code must be 1..255");
  return {static_cast<uint16_t>(addr), static_cast<int>(code)};
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

int sim_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-sim",
                    "Serve the M-TEC register catalog over Modbus TCP (for tests and demos).",
                    mtec::ToolCli::Logging::none);
  CLI::App& app = cli.app;
  mtec::sim::ServerOptions o;
  std::string snapshot, write_log, request_log;
  mtec::app::CommonOptions common;
  std::vector<std::string> exceptions;
  app.add_option("-s,--snapshot", snapshot,
                 "Words to serve: {\"<address>\": [words]} or a case file")
      ->option_text("FILE");
  common.add_registers(app);
  app.add_option("-H,--host", o.host, "Address to bind (default 127.0.0.1)")->option_text("HOST");
  app.add_option("-p,--port", o.port,
                 "TCP port (default 1502); 0 picks a free one (printed on stdout)")
      ->check(CLI::Range(0, 65535))
      ->option_text("PORT");
  app.add_option("-u,--unit", o.device.unit, "Unit id to answer (default 247)")
      ->check(CLI::Range(0, 255))
      ->option_text("ID");
  app.add_option("--delay", o.faults.delay_ms, "Delay every reply by MS milliseconds")
      ->check(CLI::NonNegativeNumber)
      ->option_text("MS");
  app.add_option("--drop-after", o.faults.drop_after, "Close a connection after N requests")
      ->check(CLI::NonNegativeNumber)
      ->option_text("N");
  app.add_option("--exception", exceptions,
                 "Answer requests touching ADDR with exception CODE (default 2)")
      ->option_text("ADDR[:CODE]");
  std::string framer = "tcp";
  app.add_option("--framer", framer, "tcp (Modbus TCP, the default) or rtu (RTU frames over TCP)")
      ->check(CLI::IsMember({"tcp", "rtu"}))
      ->option_text("tcp|rtu");
  app.add_flag("--single-client", o.faults.single_client, "Refuse a second concurrent client");
  app.add_flag("--refuse", o.faults.refuse, "Bind the port but refuse every connection");
  app.add_flag("--ignore-writes", o.device.ignore_writes,
               "Acknowledge writes but keep the old words");
  app.add_flag("--strict-map", o.device.strict_map,
               "Refuse (exception 02) reads touching an address outside the catalog");
  app.add_option("--corrupt", o.faults.corrupt, "Corrupt this share of replies structurally (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->option_text("RATE");
  app.add_option("--seed", o.faults.seed, "Seed of --corrupt's choices (default 1)")
      ->option_text("N");
  app.add_option("--write-log", write_log,
                 "Append one NDJSON line per write to FILE (default stderr)")
      ->option_text("FILE");
  app.add_option("--request-log", request_log, "Append one NDJSON line per request to FILE")
      ->option_text("FILE");
  bool animate = false;
  app.add_flag("--animate", animate,
               "Serve a plausible day: PV by the time of day, the battery and the grid follow");
  cli.parse(argc, argv);

  for (const auto& e : exceptions) o.faults.exceptions.insert(parse_exception(e));
  o.rtu = framer == "rtu";
  const mtec::Catalog catalog = common.load_catalog();
  for (const auto& r : catalog.entries())
    if (r.address)
      for (int a = *r.address; a < *r.address + r.length; ++a)
        o.device.mapped.insert(static_cast<uint16_t>(a));
  const auto snap =
      snapshot.empty() ? mtec::sim::builtin_snapshot(catalog) : mtec::sim::load_snapshot(snapshot);
  std::unique_ptr<FILE, FileCloser> wlog, rlog;
  auto open_log = [](const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "a");
    if (!f) throw mtec::Error(mtec::ErrorClass::io, "cannot open " + path + " for appending");
    return f;
  };
  if (!write_log.empty()) wlog.reset(open_log(write_log));
  if (!request_log.empty()) rlog.reset(open_log(request_log));
  if (animate) o.device.animate = mtec::sim::day_animation(catalog);
  o.device.write_log = wlog.get();
  o.device.request_log = rlog.get();

  const mtec::StopSignals stop;
  mtec::sim::Server server(o, snap, stop.fd());
  std::printf("%d\n", server.port());  // the port alone, for scripts
  std::fflush(stdout);
  if (isatty(STDOUT_FILENO)) {  // a person started it: say what the number is
    const bool v6 = o.host.find(':') != std::string::npos;
    std::fprintf(stderr, "mtec-sim: listening on %s%s%s:%d\n", v6 ? "[" : "", o.host.c_str(),
                 v6 ? "]" : "", server.port());
  }
  server.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-sim", argc, argv, [&] { return sim_main(argc, argv); });
}
