// mtec-write: safe, validated, verified register writes.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/json_input.hpp"
#include "mtec/base/line_input.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/inverter/tool_options.hpp"
#include "mtec/modbus/control.hpp"
#include "mtec/modbus/register_io.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

struct Job {
  const mtec::Catalog& catalog;
  const mtec::Logger& log;
  mtec::RegisterIO* io;  // null with --dry-run
  bool quiet = false;
  mtec::LineWriter out;
};

std::string hex_words(const std::vector<uint16_t>& w) {
  std::string s;
  for (uint16_t x : w) s += fmt::format("{}0x{:04x}", s.empty() ? "" : " ", x);
  return s;
}

mtec::Json result_json(const mtec::EncodedWrite& w, const std::vector<uint16_t>* back,
                       bool dry_run) {
  mtec::Json j;
  j["key"] = w.reg->mqtt;
  j["address"] = *w.reg->address;
  j["requested"] = w.requested;
  j["words"] = w.words;
  if (back) j["read_back"] = *back;
  if (dry_run) j["dry_run"] = true;
  j["ok"] = dry_run || (back && *back == w.words);
  return j;
}

// Write one validated value and verify it. Throws Error(protocol) on a read-back mismatch.
void apply(Job& job, const mtec::EncodedWrite& w) {
  const auto back = job.io->write_and_read_back(*w.reg->address, w.words);
  const auto line = result_json(w, &back, false).dump();
  if (!job.quiet) job.out.write_line(line);
  if (back != w.words)
    throw Error(
        ErrorClass::protocol,
        fmt::format("{} ({}): wrote {} ({}) but read back {} ({})", w.reg->mqtt, *w.reg->address,
                    hex_words(w.words), mtec::describe_words(*w.reg, w.words), hex_words(back),
                    mtec::describe_words(*w.reg, back)));
  job.log.notice(fmt::format("wrote {} ({}) = {}: words {}, read back {} via {}", w.reg->mqtt,
                             *w.reg->address, mtec::untrusted(w.requested), hex_words(w.words),
                             hex_words(back), job.io->describe()));
}

bool confirm(const mtec::EncodedWrite& w, mtec::RegisterIO& io) {
  const auto old = io.read(*w.reg->address, static_cast<uint16_t>(w.words.size()));
  std::cerr << fmt::format("{} ({}, {}): {} -> {} (raw {} -> {}). Write? [y/N] ", w.reg->name,
                           w.reg->mqtt, *w.reg->address, mtec::describe_words(*w.reg, old),
                           mtec::describe_words(*w.reg, w.words), hex_words(old),
                           hex_words(w.words));
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

int run_stdin(Job& job, const mtec::MetricsOptions& mo) {
  mtec::Metrics metrics(mo.file, "mtec-write", mo.period());
  metrics.counter("mtec_writes_total", "Register writes by result");
  metrics.add("mtec_writes_total", 0, "result=\"ok\"");
  metrics.add("mtec_writes_total", 0, "result=\"failed\"");
  metrics.add("mtec_writes_total", 0, "result=\"refused\"");
  metrics.write();
  const mtec::StopSignals stop;
  // failed writes have their own metric (mtec_writes_total), not bad lines
  mtec::LineInput in(STDIN_FILENO, stop.fd(), job.log,
                     {false, "were skipped: not a command, or the write failed"});
  std::string line;
  for (;;) {
    const auto st = in.next(line, metrics.enabled() ? 1000 : -1);
    metrics.maybe_write(std::chrono::steady_clock::now());
    if (st == mtec::LineInput::Status::timeout) continue;
    if (st == mtec::LineInput::Status::end) break;
    try {
      std::string problem;
      const auto j = mtec::parse_json(line, problem);
      if (!j) throw Error(ErrorClass::data, problem);
      const auto key = mtec::string_at(*j, "key");
      const auto v = j->find("value");
      if (!key || v == j->end() || !(v->is_string() || v->is_number()))
        throw Error(ErrorClass::data, "not a command {\"key\":...,\"value\":...}");
      const std::string value = v->is_string() ? v->get<std::string>() : v->dump();
      const auto w = mtec::encode_write(job.catalog, *key, value);
      if (!job.io) {
        if (!job.quiet) job.out.write_line(result_json(w, nullptr, true).dump());
        continue;
      }
      try {
        apply(job, w);
        metrics.add("mtec_writes_total", 1, "result=\"ok\"");
      } catch (const Error&) {
        metrics.add("mtec_writes_total", 1, "result=\"failed\"");
        throw;  // counted; reported below like any bad line
      }
    } catch (const Error& e) {
      if (e.cls() == ErrorClass::data || e.cls() == ErrorClass::no_perm ||
          e.cls() == ErrorClass::usage)
        metrics.add("mtec_writes_total", 1, "result=\"refused\"");
      in.reject(e.what());
    }
  }
  in.summarize();
  return 0;
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

int write_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-write",
                    "Write a register of the inverter: validated against the catalog, confirmed,\n"
                    "read back and verified.");
  CLI::App& app = cli.app;
  mtec::CommonOptions common;
  mtec::ModbusOptions modbus;
  mtec::MetricsOptions metrics_opts;
  std::string key, value;
  std::optional<std::string> via;
  bool yes = false, dry_run = false, quiet = false, from_stdin = false, direct = false, raw = false;
  app.add_option("REGISTER", key, "mqtt key, address or name of a writable register");
  app.add_option("VALUE", value, "a label of the register or a number in its unit");
  app.add_flag("-y,--yes", yes, "Do not ask for confirmation");
  app.add_flag("-n,--dry-run", dry_run, "Print what would be written; write nothing");
  app.add_flag("--raw", raw,
               "Experts: VALUE is the raw word(s), any integer of the type (needs --yes)");
  app.add_flag("--stdin", from_stdin,
               "Apply NDJSON command lines from stdin, as mtec-publish writes them");
  app.add_option("--via", via, "Write through this mtec-read control socket")->option_text("PATH");
  app.add_flag("--direct", direct, "Connect to the inverter even if a control socket exists");
  common.add_to(app);
  modbus.add_to(app);
  metrics_opts.add_to(app);
  mtec::Logger log = cli.parse(argc, argv);
  quiet = cli.log_options.quiet > 0;  // -q/--quiet: no result line either
  if (from_stdin == !key.empty() || (!from_stdin && app.count("VALUE") == 0))
    throw Error(ErrorClass::usage, from_stdin ? "--stdin takes no REGISTER VALUE"
                                              : "expected REGISTER VALUE (or --stdin)");

  const mtec::Catalog catalog = common.load_catalog();
  mtec::Config config = common.load_config(log);
  modbus.apply(config);
  const mtec::Settings settings = config.settings();

  std::optional<mtec::EncodedWrite> single;
  if (raw && (from_stdin || !yes))
    throw Error(ErrorClass::usage, from_stdin ? "--raw is for one write from the command line"
                                              : "--raw writes unchecked words: it needs --yes");
  if (!from_stdin)  // refuse before any I/O
    single = mtec::encode_write(catalog, key, value,
                                raw ? mtec::WriteMode::raw_word : mtec::WriteMode::checked);

  std::unique_ptr<mtec::RegisterIO> io;
  if (!dry_run) {
    const std::string path = via.value_or(mtec::default_control_path());
    const auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings.modbus_timeout * 3);
    if (via || (!direct && is_socket(path)))
      io = mtec::control_io(path, timeout);
    else
      io = mtec::direct_io(mtec::endpoint_of(settings));
  }
  Job job{catalog, log, io.get(), quiet, mtec::LineWriter()};
  if (from_stdin) return run_stdin(job, metrics_opts);

  const auto& w = *single;
  if (dry_run) {
    if (!quiet) job.out.write_line(result_json(w, nullptr, true).dump());
    log.notice(fmt::format("dry run: would write {} to {} ({})", hex_words(w.words),
                           *w.reg->address, w.reg->mqtt));
    return 0;
  }
  if (!yes) {
    if (!::isatty(STDIN_FILENO) || !::isatty(STDERR_FILENO))
      throw Error(ErrorClass::usage,
                  fmt::format("refusing to write {} = {} without confirmation: not on a terminal; "
                              "use --yes",
                              w.reg->mqtt, value));
    if (!confirm(w, *io))  // the user refused it: a script must not take it for done
      throw Error(ErrorClass::no_perm,
                  fmt::format("{} not written: declined at the prompt", w.reg->mqtt));
  }
  apply(job, w);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-write", argc, argv, [&] { return write_main(argc, argv); });
}
