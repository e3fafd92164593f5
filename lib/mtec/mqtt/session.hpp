// mtec-publish's MQTT session: the legacy state messages of each frame, the
// latest value per topic held while the broker is away and published when
// it is back, Home Assistant discovery (again after HA's birth message and
// the grace time), the availability topic (offline when fresh now-base data
// stop), the command path (command_relay.hpp), the end-of-input barrier,
// the status text and metrics. The connection is connection.hpp's, the
// wire the transport's (mqtt_transport.hpp); time comes from SessionClock.
// Single-threaded: the caller polls socket() next to its other inputs and
// hands readiness to io().
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "mtec/base/backoff.hpp"
#include "mtec/base/float_format.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/config/config.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/mqtt/command_relay.hpp"
#include "mtec/mqtt/connection.hpp"
#include "mtec/mqtt/discovery.hpp"
#include "mtec/mqtt/frame_checks.hpp"
#include "mtec/mqtt/mqtt_transport.hpp"
#include "mtec/mqtt/session_clock.hpp"
#include "mtec/mqtt/session_options.hpp"

namespace mtec::mqtt {

// --- Interface ---

class Session final : private ConnectionListener {
 public:
  // `random` jitters the reconnect backoff (empty: a generator seeded from
  // std::random_device).
  Session(const Catalog& catalog, Options o, Transport& transport, const Logger& log,
          SessionClock clock = {}, RandomSource random = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // First connection attempt (a refused one is retried with backoff).
  void start() { conn_.start(); }
  // Publish one frame (a parsed, validated frame object).
  void frame(const Json& f);
  // The MQTT socket to poll (-1 while disconnected) and whether to poll it for writing.
  int socket() const { return conn_.socket(); }
  bool wants_write() const { return conn_.wants_write(); }
  // Socket readiness from poll().
  void io(short revents) { conn_.io(revents); }
  // Keepalive, reconnects, the availability and the HA birth timers; call
  // at least every second.
  void tick();
  // Availability: what is published now (online while fresh now-base data come).
  bool available() const { return available_.value_or(false); }
  // Milliseconds until tick() has work (capped at 1000).
  int next_timeout_ms() const;
  // A fatal session error (authentication refused: 77), if any.
  std::optional<int> fatal() const {
    return conn_.fatal() ? std::optional<int>(conn_.fatal()) : std::nullopt;
  }
  // End: deliver what is pending within the linger time, disconnect cleanly
  // after the barrier. Returns the exit code (0, or 69 when the broker was
  // never reached or held values were not delivered).
  int finish();
  // SIGTERM/SIGINT: like finish() while connected; with the broker down at
  // once (the held values are the latest of a pipeline that is stopping:
  // told, not waited for). Returns 0 unless a fatal error came first.
  int stop();
  // --unregister: clear every discovery config topic (empty retained).
  // `serial` is needed for the topics with --unique-ids serial only.
  int unregister(const std::string& serial);

  // Keep metrics in `m` (declares its families).
  void attach(Metrics& m);
  void update_metrics();

  // What the service is doing, in words (systemd's STATUS=): publishing;
  // broker down since HH:MM:SS, N latest values held; ...
  std::string status() const;

  // Counters for logs and tests.
  uint64_t published() const { return published_; }
  size_t held() const override { return held_.size(); }
  bool connected() const { return conn_.connected(); }

 private:
  void session_began() override;
  void message(const std::string& topic, const std::string& payload, bool retained) override;
  void unsubscribed(int mid) override {
    if (mid == barrier_mid_) barrier_done_ = true;
  }
  void publish(const std::string& topic, const std::string& payload, bool retain);
  void send_discovery();
  void subscribe_commands();
  // Publishes the availability state `online` (retained) if it changed or
  // `force`; a no-op without --availability.
  void set_available(bool online, bool force = false);
  void frame_metrics(const Json& f, const Json& values);
  // Run the connection alone until `done()` or the deadline; false on
  // timeout or a fatal error. Waits through the transport.
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit);

  const Catalog& catalog_;
  Options o_;
  const Settings& settings_ = o_.settings;
  std::chrono::milliseconds stale_after_;  // availability: offline after this long without data
  std::string availability_topic_;         // "" without HASS_AVAILABILITY
  Transport& transport_;
  const Logger& log_;
  SessionClock clock_;
  std::mt19937_64 rng_;
  // refused topics and levels (their names come from outside): the first
  // warning of each, then a count at most once a minute
  RepeatedWarnings repeats_;
  FrameChecks checks_;
  CommandRelay relay_;
  Connection conn_;
  bool discovery_told_ = false, first_values_told_ = false;
  std::optional<DiscoveryOptions> device_;   // known after the first static frame
  std::map<std::string, std::string> held_;  // latest payload per topic while disconnected
  std::set<std::string> command_topics_;
  std::optional<TimePoint> birth_due_;
  TimePoint fresh_until_{};        // now-base data fresh until
  std::optional<bool> available_;  // as last published
  uint64_t published_ = 0;
  int barrier_mid_ = -1;
  bool barrier_done_ = false;
  Metrics* metrics_ = nullptr;
  std::string serial_;
};

}  // namespace mtec::mqtt
