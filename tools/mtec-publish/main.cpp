// mtec-publish: frames to the legacy MQTT topics and Home Assistant discovery.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/memory_bound.hpp"
#include "mtec/base/sd_notify.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/frame_input.hpp"
#include "mtec/mqtt/mosquitto.hpp"
#include "mtec/mqtt/session.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

// What systemctl status shows: the inverter as the reader says, the broker
// and the data as the publisher knows them.
std::string service_status(const mtec::mqtt::Session& pub, const mtec::HeartbeatMonitor& stages) {
  std::string status = pub.status();
  const std::string reader = stages.state("mtec-read");
  if (reader.empty() || reader == "ok") return status;
  const bool only_data = status == "publishing" || status == "waiting for the first values";
  return reader + ", retrying" + (only_data ? "" : "; " + status);
}

// Holds a TCP socket's partial segments while it lives (TCP_CORK), so the
// state messages of the frames read in one go leave as one burst instead of
// one segment per message (libmosquitto writes each packet at once). On a
// socket that is not TCP (or none) it does nothing.
class Cork {
 public:
  explicit Cork(int fd) : fd_(set(fd, 1) ? fd : -1) {}
  ~Cork() {
    if (fd_ >= 0) set(fd_, 0);  // uncorking sends what is held
  }
  Cork(const Cork&) = delete;
  Cork& operator=(const Cork&) = delete;

 private:
  static bool set(int fd, int on) {
    return fd >= 0 && ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0;
  }
  int fd_;
};

int publish_main(int argc, char** argv) {
  mtec::ToolCli cli("mtec-publish",
                    "Publish NDJSON frames from stdin to the legacy aiomtec2mqtt MQTT topics,\n"
                    "with Home Assistant discovery and the /set command path.");
  CLI::App& app = cli.app;
  mtec::app::CommonOptions common;
  mtec::app::MetricsOptions metrics_opts;
  mtec::app::MqttOptions mqtt;
  mtec::mqtt::Options o;  // the session's: the config's settings and what only the flags have
  std::string unique_ids = "legacy", serial;
  bool unregister = false, strict = false;
  double linger = mtec::Seconds(o.linger).count(),
         max_frame_age = mtec::Seconds(o.max_frame_age).count();
  mqtt.add_to(app);
  app.add_option("--unique-ids", unique_ids, "legacy (MTEC_<key>) or serial (MTEC_<serial>_<key>)")
      ->check(CLI::IsMember({"legacy", "serial"}))
      ->option_text("legacy|serial");
  app.add_option("--device-name", o.device_name, "Device name in discovery")->option_text("NAME");
  app.add_option("--commands-out", o.commands_out,
                 "Write accepted /set commands as NDJSON to PATH (file or FIFO)")
      ->option_text("PATH");
  app.add_flag("--unregister", unregister, "Clear the discovery topics (empty retained) and exit");
  app.add_option("--serial", serial, "With --unregister --unique-ids serial: the serial number")
      ->option_text("SERIAL");
  app.add_option("--linger", linger, "At end of input, wait up to SECONDS for the broker")
      ->option_text("SECONDS");
  app.add_option("--max-frame-age", max_frame_age,
                 "Do not publish frames older than SECONDS (0: any age; mtec2mqtt sets it)")
      ->check(CLI::NonNegativeNumber)
      ->option_text("SECONDS");
  common.add_formulas(app, "Catalog overlay (user values get discovery too)");
  app.add_flag("--strict", strict, "Exit 65 at the first line that is not a frame");
  common.add_to(app);
  metrics_opts.add_to(app);
  mtec::Logger log = cli.parse(argc, argv);

  mtec::Catalog catalog = common.load_catalog();
  mtec::Config config = common.load_config(log);
  if (const auto w = config.exposed_secret_warning()) log.warn(*w);
  mqtt.apply(config);
  o.settings = config.settings();
  if (unregister && unique_ids == "serial" && serial.empty())
    throw Error(ErrorClass::usage, "--unregister with --unique-ids serial needs --serial");
  o.tls = {mqtt.cafile, mqtt.capath, mqtt.certfile, mqtt.keyfile, mqtt.insecure};
  o.serial_unique_ids = unique_ids == "serial";
  o.linger = std::chrono::duration_cast<std::chrono::milliseconds>(mtec::Seconds(linger));
  o.max_frame_age =
      std::chrono::duration_cast<std::chrono::milliseconds>(mtec::Seconds(max_frame_age));
  const std::string will =
      mtec::mqtt::will_topic(o);  // Error(config) for a client id it cannot take

  if (mtec::bound_data_memory(mtec::mqtt::kMemoryBound) == mtec::MemoryBound::in_use_above)
    log.info("data memory not bounded: the process uses much already (a sanitizer?)");
  const mtec::StopSignals stop;
  mtec::Metrics metrics(metrics_opts.file, "mtec-publish", metrics_opts.period());
  metrics.expect_stages(metrics_opts.stages());
  mtec::mqtt::MosquittoTransport transport(mtec::mqtt::broker_of(o), will);
  mtec::mqtt::Session pub(catalog, o, transport, log);
  pub.attach(metrics);
  pub.start();
  if (unregister) return pub.unregister(serial);

  mtec::FrameInput in(STDIN_FILENO, stop.fd(), log, strict, &metrics);
  // systemd: ready, alive and what it is doing, for the whole pipeline
  // (the stages' heartbeats, $MTEC_HEARTBEAT and $MTEC_STAGES from mtec2mqtt)
  const char* hb_path = std::getenv("MTEC_HEARTBEAT");
  std::optional<mtec::HeartbeatReader> beats;
  if (hb_path && *hb_path) beats.emplace(hb_path);
  mtec::ServiceNotifier notifier(
      beats ? mtec::stage_names(std::getenv("MTEC_STAGES")) : std::vector<std::string>{},
      mtec::sd_notify, mtec::heartbeat_interval_from_env());
  mtec::Json frame;
  bool input_open = true, stopped = false;
  while (input_open) {
    if (auto f = pub.fatal()) return *f;
    pub.tick();
    pub.update_metrics();
    const auto now = std::chrono::steady_clock::now();
    metrics.maybe_write(now);
    if (beats) beats->drain(notifier.monitor(), now);
    const bool was_withheld = notifier.withheld();
    notifier.tick(now, service_status(pub, notifier.monitor()));
    if (notifier.withheld() && !was_withheld)  // the journal names the stage before a restart
      for (const auto& stage : notifier.monitor().silent(2 * notifier.interval(), now))
        log.warn(fmt::format(
            "{} has not been heard for {:.1f} s: its loop does not turn; the watchdog is no "
            "longer fed",
            stage, std::chrono::duration<double>(2 * notifier.interval()).count()));
    pollfd fds[4] = {
        {STDIN_FILENO, POLLIN, 0},
        {stop.fd(), POLLIN, 0},
        {pub.socket(), static_cast<short>(POLLIN | (pub.wants_write() ? POLLOUT : 0)), 0},
        {beats ? beats->fd() : -1, POLLIN, 0}};
    const int timeout =
        std::min<int>(pub.next_timeout_ms(), static_cast<int>(notifier.interval().count()));
    if (::poll(fds, 4, timeout) < 0 && errno != EINTR) throw Error(ErrorClass::io, "poll failed");
    if (fds[1].revents) {  // SIGTERM / SIGINT: disconnect cleanly below
      stopped = true;
      break;
    }
    if (fds[2].revents) pub.io(fds[2].revents);
    if (!fds[0].revents) continue;
    // take every complete line that is there, without blocking
    const Cork burst(pub.socket());
    for (;;) {
      const auto st = in.next(frame, 0);
      if (st == mtec::LineInput::Status::timeout) break;
      if (st == mtec::LineInput::Status::end) {
        input_open = false;
        break;
      }
      pub.frame(frame);
    }
  }
  in.summarize();
  const int rc = stopped ? pub.stop() : pub.finish();
  pub.update_metrics();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-publish", argc, argv, [&] { return publish_main(argc, argv); });
}
