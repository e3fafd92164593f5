// mtec-calc: add the catalog's calculated values to a stream of frames.
#include <fmt/format.h>
#include <unistd.h>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame_input.hpp"

namespace {

constexpr int kBurst = 64;  // frames written at once, at most

int calc_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-calc",
                    "Read NDJSON frames on stdin, add the calculated values declared in the\n"
                    "register catalog (consumption, autarky, ...), write the frames to stdout.");
  CLI::App& app = cli.app;
  mtec::app::CommonOptions common;
  bool strict = false;
  mtec::app::MetricsOptions metrics_opts;
  metrics_opts.add_to(app);
  common.add_registers(app);
  common.add_formulas(app, "Overlay file of calculated entries (repeatable)");
  app.add_flag("--strict", strict, "Exit 65 at the first line that is not a frame");
  mtec::Logger log = cli.parse(argc, argv);

  mtec::Catalog catalog = common.load_catalog();
  const mtec::Calculator calc(catalog);

  const mtec::StopSignals stop;
  mtec::LineWriter out;
  mtec::Metrics metrics(metrics_opts.file, "mtec-calc", metrics_opts.period());
  metrics.expect_stages(metrics_opts.stages());
  metrics.counter(mtec::metric::kFramesOut, "Frames written");
  metrics.add(mtec::metric::kFramesOut, 0);
  mtec::FrameInput in(STDIN_FILENO, stop.fd(), log, strict, &metrics);
  metrics.write();
  mtec::Json frame;
  mtec::HeartbeatSender beat = mtec::HeartbeatSender::from_env("mtec-calc");
  for (;;) {
    beat.beat(std::chrono::steady_clock::now());
    const auto st =
        in.next(frame, beat.cap(metrics.enabled() ? 1000 : -1, std::chrono::steady_clock::now()));
    metrics.maybe_write(std::chrono::steady_clock::now());
    if (st == mtec::LineInput::Status::timeout) continue;
    if (st == mtec::LineInput::Status::end) break;
    // the frames that came together (one read of the inverter) leave
    // together, a burst of at most kBurst (the loop beats between bursts)
    auto more = st;
    int burst = 0;
    while (more == mtec::LineInput::Status::line) {
      out.add(mtec::line_with_added(in.line(), frame, calc.apply(frame)));
      if (++burst == kBurst) break;
      more = in.next(frame, 0);
    }
    if (!out.flush()) break;  // the reader has gone
    metrics.add(mtec::metric::kFramesOut, burst);
    if (more == mtec::LineInput::Status::end) break;
  }
  in.summarize();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-calc", argc, argv, [&] { return calc_main(argc, argv); });
}
