// mtec-publish's MQTT side: the legacy session (client id, will, login,
// TLS), state messages, discovery, the HA birth timer, the outage buffer and
// the command path. Single-threaded: the caller polls the MQTT socket next to
// stdin and hands readiness to io(); libmosquitto's read/write/misc calls run
// here, reconnects follow our backoff.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mtec/base/backoff.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/outage.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/config.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/mqtt/discovery.hpp"

struct mosquitto;
struct mosquitto_message;
struct mqtt5__property;

namespace mtec::publish {

// mtec-publish's data memory bound (bound_data_memory): libmosquitto 2.0
// allocates a whole incoming packet as its header announces it, with no
// client-side limit; under the bound a hostile broker's 256 MB PUBLISH fails
// to allocate and the connection is dropped. Normal use needs a few MB.
inline constexpr size_t kMemoryBound = size_t{48} << 20;
// The largest packet mtec-publish takes (MQTT v5 Maximum Packet Size, sent
// in CONNECT): it subscribes to /set commands and HA's status, both small;
// a v5 broker does not send it anything larger.
inline constexpr uint32_t kMaxIncomingPacket = 64 * 1024;

struct Options {
  std::string host = "localhost";
  int port = 1883;
  std::string client_id = "M-TEC-MQTT";
  std::string username, password;  // empty username: no login
  std::string cafile, capath, certfile, keyfile;
  bool insecure = false;
  bool hass = false;
  std::string hass_base = "homeassistant";
  Seconds grace{15};  // after HA's birth message, before discovery
  std::string topic_root = "MTEC";
  FloatFormat float_format = FloatFormat::legacy_default();
  bool serial_unique_ids = false;
  std::string device_name = "MTEC EnergyButler";
  std::string commands_out;                // "" : no command path unless HA
  std::chrono::milliseconds linger{5000};  // at EOF: how long to wait for the broker
  // HASS_AVAILABILITY: a retained availability topic (online/offline, the
  // will offline) declared in every discovery payload; offline when no
  // fresh now-base frame came for `stale_after`.
  bool availability = false;
  bool json = false;  // MQTT_JSON: each frame also as one object on <root>/<serial>/<group>
  std::chrono::milliseconds stale_after{30000};
  // --max-frame-age: frames older than this are not published (0: any age,
  // e.g. a replay of recorded frames)
  std::chrono::milliseconds max_frame_age{0};
};

// The availability topic of an instance: <MQTT_TOPIC>/<client id>/availability
// (known before the first frame, so it can be the will; the client id is
// unique per broker, so instances keep theirs apart).
std::string availability_topic(const Options& o);

class Publisher {
 public:
  Publisher(const Catalog& catalog, Options o, const Logger& log);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // First connection attempt (a refused one is retried with backoff).
  void start();
  // Publish one frame (a parsed, validated frame object).
  void frame(const Json& f);
  // The MQTT socket to poll (-1 while disconnected) and whether to poll it for writing.
  int socket() const;
  bool wants_write() const;
  // Socket readiness from poll().
  void io(short revents);
  // Keepalive, reconnects and the HA birth timer; call at least every second.
  void tick();
  // Availability: what is published now (online while fresh now-base data come).
  bool available() const { return available_.value_or(false); }
  // Milliseconds until tick() has work (capped at 1000).
  int next_timeout_ms() const;
  // A fatal session error (authentication refused: 77), if any.
  std::optional<int> fatal() const { return fatal_ ? std::optional<int>(fatal_) : std::nullopt; }
  // End: deliver what is pending within the linger time, disconnect cleanly.
  // Returns the exit code (0, or 69 when the broker was never reached).
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
  size_t held() const { return held_.size(); }

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_unsubscribe(mosquitto*, void* self, int mid);
  void connected(int rc);
  void lost(const std::string& why);
  void try_connect();
  void message(const std::string& topic, const std::string& payload, bool retained);
  void command(const std::string& topic, const std::string& payload);
  void publish(const std::string& topic, const std::string& payload, bool retain);
  // Logs a failed connect or a lost session as the outage goes on.
  // `hint` follows the first line of an outage
  void tell_down(const std::string& first_line, const std::string& why,
                 const std::string& hint = "");
  // What to check when a connection fails before the broker's CONNACK.
  std::string before_connack_hint(const std::string& why) const;
  bool tls() const { return !o_.cafile.empty() || !o_.capath.empty(); }
  std::string broker() const;
  void send_discovery();
  // Publishes the availability state `online` (retained) if it changed or
  // `force`; a no-op without --availability.
  void set_available(bool online, bool force = false);
  void subscribe_commands();
  // Run the socket alone until `done()` or the deadline; false on timeout.
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit);
  // Whether the serial, group and every key of frame `f` can be topic levels;
  // warns once per bad level and counts the refused frame otherwise.
  bool topic_safe(const Json& f, const std::string& serial, const std::string& group);
  // Whether frame `f` is older than max_frame_age (counted and told once per episode).
  bool stale(const Json& f);

  const Catalog& catalog_;
  Options o_;
  const Logger& log_;
  mosquitto* m_ = nullptr;
  // MQTT v5 with Maximum Packet Size first; 3.1.1 (the legacy's) when the
  // broker does not speak v5
  bool v5_ = true;
  mqtt5__property* connect_props_ = nullptr;
  std::mt19937_64 rng_;
  Backoff backoff_;
  bool socket_open_ = false;  // TCP connected (CONNACK may still be pending)
  std::chrono::steady_clock::time_point opened_at_{};  // the CONNACK is due kConnackTimeout later
  bool first_byte_seen_ = false;  // of this connection (a TLS record's means a TLS port)
  bool tls_reply_ = false;
  bool connected_ = false;  // CONNACK accepted
  bool ever_connected_ = false;
  Outage outage_;            // the broker unreachable or lost
  SessionWatch session_;     // sessions the broker closes soon after accepting them
  bool taken_over_ = false;  // the broker's DISCONNECT said: session taken over
  bool discovery_told_ = false, first_values_told_ = false;
  int fatal_ = 0;
  std::chrono::steady_clock::time_point retry_at_{};
  std::optional<DiscoveryOptions> device_;   // known after the first static frame
  std::map<std::string, std::string> held_;  // latest payload per topic while disconnected
  std::set<std::string> command_topics_;
  std::set<std::string> ignored_topics_;  // warned once each (at most 64)
  uint64_t dropped_full_ = 0;             // commands dropped while the FIFO is full
  // refused topics and levels (their names come from outside): the first
  // warning of each, then a count at most once a minute
  RepeatedWarnings repeats_;
  std::optional<std::chrono::steady_clock::time_point> birth_due_;
  std::chrono::steady_clock::time_point fresh_until_{};  // now-base data fresh until
  std::optional<bool> available_;                        // as last published
  int commands_fd_ = -1;
  uint64_t published_ = 0;
  int barrier_mid_ = -1;
  bool barrier_done_ = false;
  std::string broker_down_since_;  // HH:MM:SS, while the broker is unreachable
  uint64_t stale_dropped_ = 0;     // stale frames in the current episode
  Metrics* metrics_ = nullptr;
  std::string serial_;
};

}  // namespace mtec::publish
