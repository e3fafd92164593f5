// mtec-write: safe, validated, verified register writes.
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <random>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/json_input.hpp"
#include "mtec/base/line_input.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/control/control.hpp"
#include "mtec/control/register_io.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/command_input.hpp"
#include "mtec/inverter/command_writer.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/inverter/verified_write.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

struct Job {
  const mtec::Catalog& catalog;
  const mtec::Logger& log;
  mtec::control::RegisterIO* io;  // null with --dry-run
  bool quiet = false;
  mtec::LineWriter out;
};

using mtec::hex_words;

bool confirm(const mtec::EncodedWrite& w, mtec::control::RegisterIO& io) {
  const auto old = io.read(*w.reg->address, static_cast<uint16_t>(w.words.size()));
  std::cerr << fmt::format("{} ({}, {}): {} -> {} (raw {} -> {}). Write? [y/N] ", w.reg->name,
                           w.reg->mqtt, *w.reg->address, mtec::describe_words(*w.reg, old),
                           mtec::describe_words(*w.reg, w.words), hex_words(old),
                           hex_words(w.words));
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

mtec::Clocks clocks() {
  return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
}

// --stdin: command lines through the CommandWriter (paced, expiring,
// skipping unchanged writes); with --dry-run only validated and shown.
int run_stdin(Job& job, const mtec::app::MetricsOptions& mo, const mtec::WriteRules& rules,
              mtec::HeartbeatSender& beat) {
  mtec::Metrics metrics(mo.file, "mtec-write", mo.period());
  metrics.expect_stages(mo.stages());
  const mtec::StopSignals stop;
  // failed writes have their own metric (mtec_writes_total), not bad lines
  mtec::LineInput in(STDIN_FILENO, stop.fd(), job.log,
                     {false, "were skipped: not a command", 4096});
  std::optional<mtec::CommandWriter> writer;
  std::mt19937_64 rng(std::random_device{}());
  if (job.io)
    writer.emplace(
        *job.io, rules, job.log, metrics,
        [&](const nlohmann::json& j) {
          if (!job.quiet) job.out.write_line(j.dump());
        },
        [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); });
  else
    metrics.counter(mtec::metric::kWrites, "Register writes by result");
  metrics.add(mtec::metric::kWrites, 0, "result=\"refused\"");
  metrics.write();
  mtec::RepeatedWarnings repeats(job.log);
  mtec::CommandInput commands(job.catalog, metrics, repeats,
                              [&in](const std::string& why) { in.reject(why); });
  std::string line;
  bool input_open = true;
  for (;;) {
    const auto now = clocks();
    beat.beat(now.steady);
    int timeout = beat.cap(metrics.enabled() ? 1000 : -1, now.steady);
    if (writer)
      if (const auto at = writer->next_work()) {
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*at - now.steady).count();
        timeout = static_cast<int>(std::clamp<int64_t>(ms, 0, timeout < 0 ? 3600000 : timeout));
      }
    if (!input_open) {  // input ended: finish what is pending, then stop
      if (!writer || writer->idle() || stop.pending()) break;
      ::poll(nullptr, 0, timeout < 0 ? 1000 : timeout);  // nothing else to wait for
    } else {
      // every line that is there before the writes: commands that came
      // while the inverter was slow replace each other instead of queueing
      // (at most 256 per turn, so that a flood cannot starve the writes)
      int taken = 0;
      for (auto st = in.next(line, timeout); st != mtec::LineInput::Status::timeout;
           st = ++taken < 256 ? in.next(line, 0) : mtec::LineInput::Status::timeout) {
        if (st == mtec::LineInput::Status::end) {
          input_open = false;
          break;
        }
        auto c = commands.take(line);  // a refused one is counted and told
        if (!c) continue;
        if (writer)
          writer->offer(std::move(*c), clocks());
        else if (!job.quiet)
          job.out.write_line(mtec::result_line(c->write, "dry run", nullptr, nullptr).dump());
      }
      if (!input_open && stop.pending()) break;
    }
    if (writer) writer->run(clocks());
    metrics.maybe_write(std::chrono::steady_clock::now());
  }
  if (writer && !writer->idle())
    writer->abandon(stop.pending() ? "stopped"
                                   : "the input ended while the inverter did not answer");
  metrics.write();
  repeats.flush();
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
  mtec::app::CommonOptions common;
  mtec::app::ModbusOptions modbus;
  mtec::app::MetricsOptions metrics_opts;
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

  // mtec2mqtt's watchdog: the loop beats, and so does every wait for an answer
  mtec::HeartbeatSender beat = mtec::HeartbeatSender::from_env("mtec-write");
  std::function<void()> waiting;
  if (beat.enabled()) waiting = [&beat] { beat.beat(std::chrono::steady_clock::now()); };
  std::unique_ptr<mtec::control::RegisterIO> io;
  if (!dry_run) {
    const std::string path = via.value_or(mtec::control::default_control_path());
    const auto timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings.modbus_timeout * 3);
    if (via || (!direct && is_socket(path)))
      io = mtec::control::control_io(path, timeout, waiting);
    else
      io = mtec::control::direct_io(mtec::app::endpoint_of(settings), waiting);
  }
  Job job{catalog, log, io.get(), quiet, mtec::LineWriter()};
  if (from_stdin)
    return run_stdin(job, metrics_opts,
                     {std::chrono::duration_cast<mtec::Duration>(settings.write_min_interval),
                      std::chrono::duration_cast<mtec::Duration>(settings.write_max_age)},
                     beat);

  const auto& w = *single;
  if (dry_run) {
    if (!quiet) job.out.write_line(mtec::result_line(w, "dry run", nullptr, nullptr).dump());
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
  mtec::write_verified(*io, w, raw, log, [&job](const nlohmann::json& j) {
    if (!job.quiet) job.out.write_line(j.dump());
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-write", argc, argv, [&] { return write_main(argc, argv); });
}
