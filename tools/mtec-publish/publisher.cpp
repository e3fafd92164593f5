#include "publisher.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/sd_notify.hpp"
#include "mtec/mqtt/broker_hints.hpp"
#include "mtec/mqtt/state_messages.hpp"

namespace mtec::publish {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kKeepalive = 60;
constexpr int kConnackBadCredentials = 4;
constexpr int kConnackNotAuthorized = 5;
// A broker answers CONNECT at once; one that has not within this time after
// the TCP connect is not an MQTT broker speaking our protocol (a TLS port,
// another service, a hostile peer): logged, dropped, tried again later.
constexpr auto kConnackTimeout = std::chrono::seconds(10);

}  // namespace

Publisher::Publisher(const Catalog& catalog, Options o, const Logger& log)
    : catalog_(catalog),
      o_(std::move(o)),
      log_(log),
      rng_(std::random_device{}()),
      // the broker is a local service: after any outage data are back within
      // about 5 s of its return (the conventions' 60 s cap is for the inverter)
      backoff_(Backoff::Policy{Duration(1000), 2.0, Duration(5000), 0.25},
               [this] { return std::uniform_real_distribution<double>(0, 1)(rng_); }),
      repeats_(log) {
  mosquitto_lib_init();
  m_ = mosquitto_new(o_.client_id.c_str(), true, this);
  if (!m_) throw Error(ErrorClass::software, "mosquitto_new failed");
  mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  if (mosquitto_property_add_int32(&connect_props_, MQTT_PROP_MAXIMUM_PACKET_SIZE,
                                   kMaxIncomingPacket) != MOSQ_ERR_SUCCESS)
    throw Error(ErrorClass::software, "mosquitto_property_add_int32 failed");
  // Nagle would hold each small publish back until the broker ACKs the last
  // (up to 40 ms of delayed ACK on Linux): values go out as they come.
  mosquitto_int_option(m_, MOSQ_OPT_TCP_NODELAY, 1);
  // the legacy will, unless availability is on: then the will is its offline
  const std::string will = o_.availability ? availability_topic(o_) : o_.hass_base + "/status/lwt";
  mosquitto_will_set(m_, will.c_str(), 7, "offline", 0, true);
  if (!o_.username.empty()) mosquitto_username_pw_set(m_, o_.username.c_str(), o_.password.c_str());
  mosquitto_connect_callback_set(m_, &Publisher::on_connect);
  mosquitto_disconnect_callback_set(m_, &Publisher::on_disconnect);
  mosquitto_message_callback_set(m_, &Publisher::on_message);
  mosquitto_unsubscribe_callback_set(m_, &Publisher::on_unsubscribe);
  if (!o_.cafile.empty() || !o_.capath.empty()) {
    const int rc = mosquitto_tls_set(m_, o_.cafile.empty() ? nullptr : o_.cafile.c_str(),
                                     o_.capath.empty() ? nullptr : o_.capath.c_str(),
                                     o_.certfile.empty() ? nullptr : o_.certfile.c_str(),
                                     o_.keyfile.empty() ? nullptr : o_.keyfile.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      throw Error(ErrorClass::config, fmt::format("TLS set-up: {}", mosquitto_strerror(rc)));
    mosquitto_tls_opts_set(m_, o_.insecure ? 0 : 1, nullptr, nullptr);
    mosquitto_tls_insecure_set(m_, o_.insecure);
  }
}

Publisher::~Publisher() {
  if (m_) mosquitto_destroy(m_);
  mosquitto_property_free_all(&connect_props_);
  if (commands_fd_ >= 0) ::close(commands_fd_);
  mosquitto_lib_cleanup();
}

std::string availability_topic(const Options& o) {
  return fmt::format("{}/{}/availability", o.topic_root, o.client_id);
}

void Publisher::start() { try_connect(); }

void Publisher::set_available(bool online, bool force) {
  if (!o_.availability) return;
  if (!force && available_ == online) return;
  if (available_ != online)
    log_.notice(online ? fmt::format("{} = online (fresh now-base data)", availability_topic(o_))
                       : fmt::format("{} = offline (no fresh now-base data for {} s)",
                                     availability_topic(o_),
                                     std::chrono::duration<double>(o_.stale_after).count()));
  available_ = online;
  publish(availability_topic(o_), online ? "online" : "offline", true);
  if (metrics_)
    metrics_->set("mtec_availability_online", online ? 1 : 0,
                  fmt::format("topic=\"{}\"", availability_topic(o_)));
}

void Publisher::attach(Metrics& m) {
  metrics_ = &m;
  m.counter("mtec_mqtt_publishes_total", "MQTT messages handed to the broker connection");
  m.state_gauge("mtec_mqtt_connected", "1 while connected to the broker");
  m.gauge("mtec_mqtt_held_messages", "Latest values held while the broker is unreachable");
  m.counter("mtec_commands_total", "/set commands by result");
  m.gauge("mtec_nowbase_age_seconds", "Age of the newest now-base data when it was published");
  m.gauge("mtec_battery_soc_percent", "The battery's state of charge as last published");
  m.counter("mtec_frames_refused_total",
            "Frames not published: their serial or a key is not a valid topic level");
  m.counter("mtec_mqtt_dropped_total", "Values dropped because the broker refuses their topic");
  m.state_gauge("mtec_availability_online",
                "The availability published: 1 online (fresh now-base data), 0 offline");
  m.counter("mtec_frames_stale_total", "Frames not published: older than --max-frame-age");
  m.add("mtec_frames_stale_total", 0);
  m.add("mtec_frames_refused_total", 0);
  m.add("mtec_mqtt_dropped_total", 0);
  m.add("mtec_commands_total", 0, "result=\"accepted\"");
  m.add("mtec_commands_total", 0, "result=\"rejected\"");
  m.add("mtec_commands_total", 0, "result=\"ignored\"");
  m.add("mtec_commands_total", 0, "result=\"dropped\"");
  update_metrics();
}

void Publisher::update_metrics() {
  if (!metrics_) return;
  metrics_->set("mtec_mqtt_publishes_total", static_cast<double>(published_));
  metrics_->set("mtec_mqtt_connected", connected_ ? 1 : 0);
  metrics_->set("mtec_mqtt_held_messages", static_cast<double>(held_.size()));
}

std::string Publisher::broker() const { return fmt::format("{}:{}", o_.host, o_.port); }

void Publisher::tell_down(const std::string& first_line, const std::string& why,
                          const std::string& hint) {
  const auto now = Clock::now();
  if (broker_down_since_.empty()) {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    broker_down_since_ = fmt::format("{:%H:%M:%S}", fmt::localtime(t));
  }
  switch (outage_.failed(now)) {
    case Outage::Say::first:
      log_.warn(first_line);
      if (!hint.empty()) log_.hint(hint);
      break;
    case Outage::Say::summary:
      log_.warn(fmt::format(
          "broker {} still unreachable after {} s and {} attempts: {}; {} values held", broker(),
          std::chrono::duration_cast<std::chrono::seconds>(outage_.length(now)).count(),
          outage_.attempts(), why, held_.size()));
      break;
    case Outage::Say::quiet:
      log_.debug(fmt::format("broker {} still unreachable: {}", broker(), why));
  }
}

void Publisher::try_connect() {
  // (libmosquitto 2.0's reconnect drops the CONNECT properties: v5 connects anew)
  const int rc = v5_ ? mosquitto_connect_bind_v5(m_, o_.host.c_str(), o_.port, kKeepalive, nullptr,
                                                 connect_props_)
                 : ever_connected_ || socket_open_
                     ? mosquitto_reconnect(m_)
                     : mosquitto_connect(m_, o_.host.c_str(), o_.port, kKeepalive);
  if (rc == MOSQ_ERR_SUCCESS) {
    socket_open_ = true;
    opened_at_ = Clock::now();
    first_byte_seen_ = tls_reply_ = false;
    return;
  }
  session_.connect_failed();  // the broker is down: an outage, not a takeover
  // a broker that restarts is back in seconds: in the first half minute of
  // an outage an attempt is at most 2 s away, then the backoff grows
  auto delay = backoff_.next();
  if (!outage_.down() || outage_.length(Clock::now()) < std::chrono::seconds(30))
    delay = std::min<Duration>(delay, std::chrono::seconds(2));
  retry_at_ = Clock::now() + delay;
  const std::string why = rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
  tell_down(fmt::format("broker {} unreachable: {}; retrying with backoff", broker(), why), why,
            broker_unreachable_hint(o_.host, o_.port, tls(), why));
}

void Publisher::lost(const std::string& why) {
  if (!socket_open_ && !connected_) return;
  const auto now = Clock::now();
  socket_open_ = false;
  if (connected_) {
    // another client with our client id: the broker says so (v5), else the pattern tells
    const bool taken_over = taken_over_ ? session_.taken_over() : session_.closed(now);
    taken_over_ = false;
    tell_down(fmt::format("lost the broker {} ({}); holding the latest value per topic until it "
                          "is back",
                          broker(), why),
              why);
    // (a broker that sends what we cannot take closes nothing: no other client)
    if (taken_over && why.find("too large") == std::string::npos)
      log_.hint(fmt::format(
          "the broker keeps closing the session soon after accepting it: is another client "
          "connected with the client id '{}'? Give each bridge its own MQTT_CLIENT_ID",
          o_.client_id));
    // back as soon as the broker is: the backoff starts over after every
    // session, unless the takeover pattern is certain; even then a
    // reconnect waits at most 10 s
    if (!session_.takeover_suspected()) backoff_.reset();
  } else {
    // the TCP connect worked but the broker never accepted the session:
    // garbage, a TLS port, a failed TLS handshake, no CONNACK in time
    tell_down(fmt::format("broker {}: the connection failed before the broker accepted it: {}; "
                          "retrying with backoff",
                          broker(), why),
              why, before_connack_hint(why));
  }
  connected_ = false;
  retry_at_ = now + std::min<Duration>(backoff_.next(), std::chrono::seconds(10));
}

int Publisher::socket() const { return socket_open_ ? mosquitto_socket(m_) : -1; }

bool Publisher::wants_write() const { return socket_open_ && mosquitto_want_write(m_); }

std::string Publisher::before_connack_hint(const std::string& why) const {
  if (tls())
    return why.find("TLS") != std::string::npos
               ? "check --cafile/--capath: do they hold the CA that signed the broker's "
                 "certificate, and does the certificate name the host?"
               : "";
  if (tls_reply_ || o_.port == 8883 || o_.port == 8884 || o_.port == 443)
    return fmt::format(
        "is this a TLS port? {} answers like one: --cafile FILE (or --capath "
        "DIR) turns TLS on",
        broker());
  return fmt::format("is {} an MQTT broker (MQTT_SERVER, MQTT_PORT)? A TLS port needs --cafile",
                     broker());
}

void Publisher::io(short revents) {
  if (!socket_open_) return;
  int rc = MOSQ_ERR_SUCCESS;
  if (!connected_ && !first_byte_seen_ && !tls() && (revents & POLLIN)) {
    // the broker's first byte, before libmosquitto takes it: a TLS record
    // (handshake 0x16, alert 0x15) where a CONNACK (0x20) belongs
    unsigned char first = 0;
    if (::recv(mosquitto_socket(m_), &first, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
      first_byte_seen_ = true;
      tls_reply_ = first == 0x15 || first == 0x16;
    }
  }
  if (revents & (POLLIN | POLLHUP | POLLERR)) rc = mosquitto_loop_read(m_, 1);
  if (rc == MOSQ_ERR_SUCCESS && socket_open_ && (revents & POLLOUT))
    rc = mosquitto_loop_write(m_, 1);
  if (rc == MOSQ_ERR_NOMEM)
    lost(fmt::format("a packet too large to take (over the {} MB memory bound of mtec-publish)",
                     kMemoryBound / (1024 * 1024)));
  else if (rc != MOSQ_ERR_SUCCESS)
    lost(rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc));
}

void Publisher::tick() {
  const auto now = Clock::now();
  if (available_.value_or(false) && now >= fresh_until_) set_available(false);
  if (socket_open_ && !connected_ && now - opened_at_ >= kConnackTimeout) {
    lost(fmt::format("no CONNACK within {} s", kConnackTimeout.count()));
  } else if (socket_open_) {
    const int rc = mosquitto_loop_misc(m_);
    if (rc != MOSQ_ERR_SUCCESS) lost(mosquitto_strerror(rc));
  } else if (!fatal_ && now >= retry_at_) {
    try_connect();
  }
  if (birth_due_ && now >= *birth_due_) {
    birth_due_.reset();
    if (device_ && connected_) {
      send_discovery();
      log_.info("discovery sent again after the Home Assistant birth message");
    }
  }
}

int Publisher::next_timeout_ms() const {
  auto until = [](Clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return static_cast<int>(std::clamp<long>(ms, 0, 1000));
  };
  int t = 1000;
  if (!socket_open_) t = std::min(t, until(retry_at_));
  if (socket_open_ && !connected_) t = std::min(t, until(opened_at_ + kConnackTimeout));
  if (birth_due_) t = std::min(t, until(*birth_due_));
  if (available_.value_or(false)) t = std::min(t, until(fresh_until_));
  return t;
}

void Publisher::on_connect(mosquitto*, void* self, int rc) {
  static_cast<Publisher*>(self)->connected(rc);
}

void Publisher::on_disconnect(mosquitto*, void* self, int rc) {
  auto* p = static_cast<Publisher*>(self);
  // rc: why libmosquitto closed it (a TLS error, garbage, the peer gone)
  if (rc == MOSQ_ERR_ERRNO)
    p->lost(std::strerror(errno));
  else if (rc == MOSQ_ERR_NOMEM)
    p->lost(fmt::format("a packet too large to take (over the {} MB memory bound of mtec-publish)",
                        kMemoryBound / (1024 * 1024)));
  else if (rc >= 128) {  // an MQTT v5 DISCONNECT from the broker, with its reason
    p->taken_over_ = rc == MQTT_RC_SESSION_TAKEN_OVER;
    p->lost(mosquitto_reason_string(rc));
  } else if (rc != 0)
    p->lost(rc == MOSQ_ERR_CONN_LOST ? "connection closed" : mosquitto_strerror(rc));
  else
    p->socket_open_ = p->connected_ = false;
}

void Publisher::on_unsubscribe(mosquitto*, void* self, int mid) {
  auto* p = static_cast<Publisher*>(self);
  if (mid == p->barrier_mid_) p->barrier_done_ = true;
}

void Publisher::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* p = static_cast<Publisher*>(self);
  p->message(m->topic,
             std::string(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen)),
             m->retain);
}

void Publisher::connected(int rc) {
  const char* reason = v5_ ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc);
  if (v5_ && (rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION || rc == 1)) {
    // a 3.1.1 broker: again at once in 3.1.1, without Maximum Packet Size
    log_.info(
        fmt::format("broker {} does not speak MQTT v5: using 3.1.1 (incoming packets "
                    "bounded by the memory bound only)",
                    broker()));
    v5_ = false;
    mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    socket_open_ = false;
    retry_at_ = Clock::now();
    return;
  }
  if (rc == kConnackBadCredentials || rc == kConnackNotAuthorized ||
      (v5_ && (rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD || rc == MQTT_RC_NOT_AUTHORIZED))) {
    log_.error(fmt::format("broker {}:{} refused the login: {}", o_.host, o_.port, reason));
    fatal_ = exit_code(ErrorClass::no_perm);
    return;
  }
  if (rc != 0) {
    log_.warn(fmt::format("broker {}:{} refused the connection: {}", o_.host, o_.port, reason));
    return;
  }
  const auto now = Clock::now();
  if (outage_.down())
    log_.notice(fmt::format(
        "connected to the broker {} again after {} s", broker(),
        std::chrono::duration_cast<std::chrono::seconds>(outage_.recovered(now)).count()));
  else if (!ever_connected_)
    log_.notice(fmt::format("connected to the broker {} ({}, client id {})", broker(),
                            o_.cafile.empty() && o_.capath.empty() ? "no TLS" : "TLS",
                            o_.client_id));
  connected_ = true;
  ever_connected_ = true;
  broker_down_since_.clear();
  session_.accepted(now);
  if (o_.hass) {
    const std::string status = o_.hass_base + "/status";
    mosquitto_subscribe(m_, nullptr, status.c_str(), 0);
  }
  for (const auto& t : command_topics_) mosquitto_subscribe(m_, nullptr, t.c_str(), 0);
  if (device_ && o_.hass) send_discovery();
  const auto held = std::move(held_);
  held_.clear();
  for (const auto& [topic, payload] : held) publish(topic, payload, false);
  if (!held.empty()) log_.info(fmt::format("published {} held values", held.size()));
  // the broker may have published our will while we were away: say what is true
  set_available(Clock::now() < fresh_until_, true);
}

void Publisher::publish(const std::string& topic, const std::string& payload, bool retain) {
  // A topic the broker refuses (wildcards, bad UTF-8, too long) would be
  // held forever: it is dropped, with one warning per topic.
  int rc = mosquitto_pub_topic_check2(topic.c_str(), topic.size());
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_validate_utf8(topic.c_str(), static_cast<int>(topic.size()));
  if (rc == MOSQ_ERR_SUCCESS && connected_) {
    rc = mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), 0, retain);
    if (rc == MOSQ_ERR_SUCCESS) {
      ++published_;
      return;
    }
  }
  if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_PAYLOAD_SIZE ||
      rc == MOSQ_ERR_OVERSIZE_PACKET) {
    if (metrics_) metrics_->add("mtec_mqtt_dropped_total");
    repeats_.warn("dropped", topic,
                  fmt::format("the broker refuses topic '{}' ({}): its values are dropped",
                              untrusted(topic), mosquitto_strerror(rc)));
    return;
  }
  if (!retain) held_[topic] = payload;  // retained messages are re-sent on connect anyway
}

bool Publisher::topic_safe(const Json& f, const std::string& serial, const std::string& group) {
  const std::string bad = unpublishable_level(serial, group, f["values"]);
  if (bad.empty()) return true;
  if (metrics_) metrics_->add("mtec_frames_refused_total");
  repeats_.warn("refused", bad,
                fmt::format("a {} frame with {}: not a valid topic level (no '/', '+', '#', "
                            "control characters; UTF-8); nothing of it is published",
                            untrusted(group), bad));
  return false;
}

void Publisher::send_discovery() {
  const auto messages = discovery_messages(catalog_, *device_);
  for (const auto& m : messages) publish(m.topic, m.payload, true);
  const auto line =
      fmt::format("discovery sent: {} entities under {}/", messages.size(), o_.hass_base);
  if (!discovery_told_)
    log_.notice(line);
  else
    log_.info(line);
  discovery_told_ = true;
  subscribe_commands();
}

void Publisher::subscribe_commands() {
  if (!o_.hass && o_.commands_out.empty()) return;
  // one wildcard for every key, so that unknown keys are answered with a reason too
  const std::string t = fmt::format("{}/{}/+/+/set", o_.topic_root, serial_);
  if (command_topics_.insert(t).second && connected_)
    mosquitto_subscribe(m_, nullptr, t.c_str(), 0);
}

void Publisher::frame(const Json& f) {
  if (stale(f)) return;
  std::string serial =
      f.contains("serial") && f["serial"].is_string() ? f["serial"].get<std::string>() : "";
  const std::string& group = f["group"].get_ref<const std::string&>();
  const Json& values = f["values"];
  if (serial.empty()) serial = serial_;
  if (serial.empty()) {
    log_.warn(fmt::format("a {} frame without a serial number: not published (no topic for it yet)",
                          untrusted(group)));
    return;
  }
  if (!topic_safe(f, serial, group)) return;
  if (serial_.empty()) {
    serial_ = serial;
    if (!o_.hass) subscribe_commands();
  }
  if (group == "static" && !device_) {
    DiscoveryOptions d;
    d.hass_base_topic = o_.hass_base;
    d.mqtt_topic = o_.topic_root;
    d.serial = serial_;
    d.serial_unique_ids = o_.serial_unique_ids;
    d.device_name = o_.device_name;
    if (o_.availability) d.availability_topic = availability_topic(o_);
    device_ = device_from_static(values, d);
    if (device_ && o_.hass && connected_) send_discovery();
  }
  const auto states = state_messages(values, o_.topic_root, serial, group, o_.float_format);
  for (const auto& m : states) publish(m.topic, m.payload, false);
  if (o_.json) {
    const std::string ts =
        f.contains("ts") && f["ts"].is_string() ? f["ts"].get<std::string>() : "";
    if (const auto r = reading_message(values, ts, o_.topic_root, serial, group))
      publish(r->topic, r->payload, false);
  }
  if (!states.empty() && connected_ && !first_values_told_ && group != "static") {
    log_.notice(fmt::format("first values published: {} {} values under {}/{}/", states.size(),
                            untrusted(group), o_.topic_root, untrusted(serial)));
    first_values_told_ = true;
  }
  if (group == "now-base" && !values.empty()) {
    fresh_until_ = Clock::now() + o_.stale_after;
    if (connected_) set_available(true);
  }
  // systemd: ready with the first fresh now-base data on the broker; every
  // later one feeds the watchdog, so a pipeline that stops delivering is restarted
  if (group == "now-base" && metrics_ && values.contains("battery_soc") &&
      values["battery_soc"].is_number())
    metrics_->set("mtec_battery_soc_percent", values["battery_soc"].get<double>());
  if (group == "now-base" && metrics_ && f.contains("ts") && f["ts"].is_string())
    if (auto t = parse_timestamp(f["ts"].get<std::string>()))
      metrics_->set("mtec_nowbase_age_seconds",
                    std::chrono::duration<double>(std::chrono::system_clock::now() - *t).count());
}

// A frame older than --max-frame-age is not published as current: the
// pipeline stalled (a stopped stage, a full pipe). Told once per episode.
bool Publisher::stale(const Json& f) {
  if (o_.max_frame_age.count() <= 0 || !f.contains("ts") || !f["ts"].is_string()) return false;
  const auto t = parse_timestamp(f["ts"].get<std::string>());
  if (!t) return false;
  const auto age = std::chrono::system_clock::now() - *t;
  if (age <= o_.max_frame_age) {
    if (stale_dropped_)
      log_.notice(fmt::format("frames are current again: {} stale frame{} not published",
                              stale_dropped_, stale_dropped_ == 1 ? " was" : "s were"));
    stale_dropped_ = 0;
    return false;
  }
  if (stale_dropped_++ == 0)
    log_.warn(
        fmt::format("a {} frame is {} s old (more than {} s): stale frames are not published "
                    "as current (did a stage of the pipeline stall?)",
                    untrusted(f["group"].get<std::string>()),
                    std::chrono::duration_cast<std::chrono::seconds>(age).count(),
                    std::chrono::duration<double>(o_.max_frame_age).count()));
  if (metrics_) metrics_->add("mtec_frames_stale_total");
  return true;
}

std::string Publisher::status() const {
  std::string s;
  auto add = [&s](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
  if (!connected_ && !broker_down_since_.empty())
    add(fmt::format("broker down since {}, {} latest value{} held", broker_down_since_,
                    held_.size(), held_.size() == 1 ? "" : "s"));
  else if (!connected_)
    add("connecting to the broker " + broker());
  if (stale_dropped_) add(fmt::format("pipeline stalled: {} stale frames dropped", stale_dropped_));
  if (s.empty()) s = first_values_told_ ? "publishing" : "waiting for the first values";
  return s;
}

void Publisher::message(const std::string& topic, const std::string& payload, bool retained) {
  if (o_.hass && topic == o_.hass_base + "/status") {
    if (payload == "online") {
      birth_due_ = Clock::now() + std::chrono::duration_cast<std::chrono::milliseconds>(o_.grace);
      log_.info(fmt::format("Home Assistant is online: discovery again in {} s", o_.grace.count()));
    } else if (payload == "offline") {
      log_.info("Home Assistant is offline");
    }
    return;
  }
  if (retained) {
    repeats_.warn("retained", topic,
                  fmt::format("ignored a retained command on {} (commands must not be retained)",
                              untrusted(topic)));
    return;
  }
  command(topic, payload);
}

void Publisher::command(const std::string& topic, const std::string& payload) {
  const auto key = command_key(topic, o_.topic_root).value_or("");
  auto count = [this](const char* result) {
    if (metrics_) metrics_->add("mtec_commands_total", 1, fmt::format("result=\"{}\"", result));
  };
  try {
    const auto line = command_line(catalog_, topic, payload, o_.topic_root, serial_,
                                   std::chrono::system_clock::now());
    if (!line) {  // not a topic discovery announces: warned once per topic (a bounded few)
      count("ignored");
      if (ignored_topics_.size() < 64 && ignored_topics_.insert(topic).second)
        log_.warn(
            fmt::format("ignored a command on {}: not the command topic of a key of {} "
                        "(<MQTT_TOPIC>/<serial>/<group>/<key>/set)",
                        untrusted(topic), untrusted(serial_)));
      return;
    }
    const std::string text = *line + "\n";  // at most PIPE_BUF: one atomic write
    if (o_.commands_out.empty()) {
      log_.warn(
          fmt::format("command {} = '{}' accepted but there is no --commands-out to send it to",
                      untrusted(key), untrusted(payload)));
      return;
    }
    if (commands_fd_ < 0) {
      commands_fd_ = ::open(o_.commands_out.c_str(),
                            O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
      if (commands_fd_ < 0) {
        count("dropped");
        log_.error(fmt::format("command {} = '{}' dropped: cannot open {}: {}", untrusted(key),
                               untrusted(payload), o_.commands_out, std::strerror(errno)));
        return;
      }
    }
    if (::write(commands_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      const int e = errno;
      count("dropped");
      if (e == EAGAIN) {  // mtec-write is behind: the new command is dropped, whole
        if (dropped_full_++ == 0)
          log_.warn(
              fmt::format("command {} = '{}' dropped: {} is full (mtec-write is behind); "
                          "newer commands are dropped until it has room",
                          untrusted(key), untrusted(payload), o_.commands_out));
        return;
      }
      log_.error(fmt::format("command {} = '{}' dropped: {}: {}", untrusted(key),
                             untrusted(payload), o_.commands_out, std::strerror(e)));
      ::close(commands_fd_);
      commands_fd_ = -1;
      return;
    }
    if (dropped_full_ > 0) {
      log_.notice(fmt::format("{} has room again: {} command{} dropped while it was full",
                              o_.commands_out, dropped_full_, dropped_full_ == 1 ? "" : "s"));
      dropped_full_ = 0;
    }
    log_.info(fmt::format("command {} = '{}' -> {}", untrusted(key), untrusted(payload),
                          o_.commands_out));
    count("accepted");
  } catch (const Error& e) {
    // the same bad command again and again: once, then a count a minute
    const std::string line = fmt::format("command on {} rejected: {}", untrusted(topic), e.what());
    repeats_.warn("rejected", line, line);
    count("rejected");
  }
}

bool Publisher::pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (fatal_ || Clock::now() >= deadline) return false;
    tick();
    pollfd p{socket(), static_cast<short>(POLLIN | (wants_write() ? POLLOUT : 0)), 0};
    const int timeout = std::min(next_timeout_ms(), 100);
    if (p.fd < 0) {
      ::poll(nullptr, 0, timeout);  // waiting for the next reconnect attempt
      continue;
    }
    if (::poll(&p, 1, timeout) > 0) io(p.revents);
  }
  return true;
}

int Publisher::finish() {
  // going away on purpose: the data stop being true now, not at the will
  if (connected_ && available_.value_or(false)) set_available(false);
  if (!held_.empty() || !ever_connected_)
    log_.info("end of input: waiting for the broker to take what is held");
  pump_until([this] { return connected_ && held_.empty(); }, o_.linger);
  if (fatal_) return fatal_;
  if (o_.hass && !device_ && (published_ > 0 || !held_.empty()))  // a one-shot without static
    log_.notice(
        "no discovery sent: it needs a static frame (serial, model, firmware); "
        "mtec-read -g static or --all gives one");
  if (!ever_connected_) {
    log_.error(fmt::format("broker {}:{} was never reachable; {} values not delivered", o_.host,
                           o_.port, held_.size()));
    return exit_code(ErrorClass::unavailable);
  }
  // Barrier: the broker answers an UNSUBSCRIBE after it has processed every
  // packet before it. Closing earlier, with its answers unread, would reset
  // the connection and lose the tail of what we sent. Like the legacy, the
  // command topics are unsubscribed at the end.
  if (connected_) {
    std::vector<std::string> topics(command_topics_.begin(), command_topics_.end());
    if (topics.empty()) topics.push_back(o_.topic_root + "/" + serial_ + "/mtec-publish-barrier");
    for (const auto& t : topics) mosquitto_unsubscribe(m_, &barrier_mid_, t.c_str());
    if (!pump_until([this] { return barrier_done_ || !connected_; }, o_.linger))
      log_.warn("the broker did not confirm the last messages in time");
  }
  const size_t lost = held_.size();
  if (socket_open_) {
    mosquitto_disconnect(m_);  // a clean DISCONNECT: the broker does not send the will
    pump_until([this] { return !socket_open_; }, std::chrono::milliseconds(1000));
  }
  if (lost) {
    log_.error(fmt::format("{} held values could not be delivered", lost));
    return exit_code(ErrorClass::unavailable);
  }
  return 0;
}

int Publisher::stop() {
  if (fatal_) return fatal_;
  if (!connected_) {
    if (!held_.empty())
      log_.warn(
          fmt::format("stopping with the broker down: {} held values not delivered", held_.size()));
    return 0;
  }
  finish();
  return fatal_;
}

int Publisher::unregister(const std::string& serial) {
  if (!pump_until([this] { return connected_; }, o_.linger)) {
    if (fatal_) return fatal_;
    log_.error(fmt::format("broker {}:{} unreachable", o_.host, o_.port));
    return exit_code(ErrorClass::unavailable);
  }
  DiscoveryOptions d;
  d.hass_base_topic = o_.hass_base;
  d.mqtt_topic = o_.topic_root;
  d.serial = serial;
  d.serial_unique_ids = o_.serial_unique_ids;
  int n = 0;
  for (const auto& m : discovery_messages(catalog_, d)) {
    mosquitto_publish(m_, nullptr, m.topic.c_str(), 0, nullptr, 0, true);
    ++n;
  }
  log_.notice(fmt::format("cleared {} discovery topics", n));
  return finish();
}

}  // namespace mtec::publish
