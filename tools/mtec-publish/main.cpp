// mtec-publish: frames to the legacy MQTT topics and Home Assistant discovery.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/base/topic.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/frame_input.hpp"
#include "mtec/inverter/tool_options.hpp"
#include "publisher.hpp"

namespace {

using mtec::Error;
using mtec::ErrorClass;

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
  mtec::CommonOptions common;
  mtec::MetricsOptions metrics_opts;
  mtec::MqttOptions mqtt;
  std::string commands_out, unique_ids = "legacy", device_name = "MTEC EnergyButler", serial;
  bool unregister = false, strict = false;
  double linger = 5;
  mqtt.add_to(app);
  app.add_option("--unique-ids", unique_ids, "legacy (MTEC_<key>) or serial (MTEC_<serial>_<key>)")
      ->check(CLI::IsMember({"legacy", "serial"}))
      ->option_text("legacy|serial");
  app.add_option("--device-name", device_name, "Device name in discovery")->option_text("NAME");
  app.add_option("--commands-out", commands_out,
                 "Write accepted /set commands as NDJSON to PATH (file or FIFO)")
      ->option_text("PATH");
  app.add_flag("--unregister", unregister, "Clear the discovery topics (empty retained) and exit");
  app.add_option("--serial", serial, "With --unregister --unique-ids serial: the serial number")
      ->option_text("SERIAL");
  app.add_option("--linger", linger, "At end of input, wait up to SECONDS for the broker")
      ->option_text("SECONDS");
  common.add_formulas(app, "Catalog overlay (user values get discovery too)");
  app.add_flag("--strict", strict, "Exit 65 at the first line that is not a frame");
  common.add_to(app);
  metrics_opts.add_to(app);
  mtec::Logger log = cli.parse(argc, argv);

  mtec::Catalog catalog = common.load_catalog();
  mtec::Config config = common.load_config(log);
  mqtt.apply(config);
  const mtec::Settings s = config.settings();
  if (unregister && unique_ids == "serial" && serial.empty())
    throw Error(ErrorClass::usage, "--unregister with --unique-ids serial needs --serial");

  mtec::publish::Options o;
  o.host = s.mqtt_server;
  o.port = s.mqtt_port;
  o.client_id = s.mqtt_client_id;
  // the legacy template's login is one blank: a blank login means no login
  if (s.mqtt_login.find_first_not_of(' ') != std::string::npos) {
    o.username = s.mqtt_login;
    o.password = s.mqtt_password;
  }
  o.cafile = mqtt.cafile;
  o.capath = mqtt.capath;
  o.certfile = mqtt.certfile;
  o.keyfile = mqtt.keyfile;
  o.insecure = mqtt.insecure;
  o.hass = s.hass_enable;
  o.hass_base = s.hass_base_topic;
  o.grace = s.hass_birth_gracetime;
  o.topic_root = s.mqtt_topic;
  o.float_format = s.float_format;
  o.serial_unique_ids = unique_ids == "serial";
  o.device_name = device_name;
  o.commands_out = commands_out;
  o.linger = std::chrono::duration_cast<std::chrono::milliseconds>(mtec::Seconds(linger));
  o.availability = s.hass_availability;
  o.stale_after = std::chrono::duration_cast<std::chrono::milliseconds>(
      s.refresh_now * s.hass_availability_periods);
  if (o.availability && !mtec::valid_topic_level(o.client_id))
    throw Error(ErrorClass::config,
                fmt::format("MQTT_CLIENT_ID '{}' is a level of the availability topic: no '/', '+' "
                            "or '#' in it",
                            o.client_id));

  const mtec::StopSignals stop;
  mtec::Metrics metrics(metrics_opts.file, "mtec-publish", metrics_opts.period());
  mtec::publish::Publisher pub(catalog, o, log);
  pub.attach(metrics);
  pub.start();
  if (unregister) return pub.unregister(serial);

  mtec::FrameInput in(STDIN_FILENO, stop.fd(), log, strict, &metrics);
  mtec::Json frame;
  bool input_open = true;
  while (input_open) {
    if (auto f = pub.fatal()) return *f;
    pub.tick();
    pub.update_metrics();
    metrics.maybe_write(std::chrono::steady_clock::now());
    pollfd fds[3] = {
        {STDIN_FILENO, POLLIN, 0},
        {stop.fd(), POLLIN, 0},
        {pub.socket(), static_cast<short>(POLLIN | (pub.wants_write() ? POLLOUT : 0)), 0}};
    if (::poll(fds, 3, pub.next_timeout_ms()) < 0 && errno != EINTR)
      throw Error(ErrorClass::io, "poll failed");
    if (fds[1].revents) break;  // SIGTERM / SIGINT: disconnect cleanly below
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
  const int rc = pub.finish();
  pub.update_metrics();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  return mtec::run_main("mtec-publish", argc, argv, [&] { return publish_main(argc, argv); });
}
