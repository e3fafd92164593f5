#include "mtec/mqtt/session.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <vector>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/inverter/group.hpp"
#include "mtec/mqtt/state_messages.hpp"
#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {

Session::Session(const Catalog& catalog, Options o, Transport& transport, const Logger& log,
                 SessionClock clock, RandomSource random)
    : catalog_(catalog),
      o_(std::move(o)),
      stale_after_(stale_after(settings_)),
      availability_topic_(settings_.hass_availability ? availability_topic(o_) : ""),
      transport_(transport),
      log_(log),
      clock_(std::move(clock)),
      rng_(std::random_device{}()),
      repeats_(log, clock_.steady),
      checks_(o_.max_frame_age, log, repeats_, clock_.wall),
      relay_(catalog, o_.commands_out, settings_.mqtt_topic, log, repeats_, clock_.wall),
      conn_(transport, broker_of(o_), log, clock_,
            random ? std::move(random) : RandomSource([this] {
              return std::uniform_real_distribution<double>(0, 1)(rng_);
            }),
            *this) {}

void Session::set_available(bool online, bool force) {
  if (availability_topic_.empty()) return;
  if (!force && available_ == online) return;
  const std::string& topic = availability_topic_;
  if (available_ != online)
    log_.notice(online ? fmt::format("{} = online (fresh now-base data)", topic)
                       : fmt::format("{} = offline (no fresh now-base data for {} s)", topic,
                                     std::chrono::duration<double>(stale_after_).count()));
  available_ = online;
  publish(topic, online ? "online" : "offline", true);
  if (metrics_)
    metrics_->set(metric::kAvailabilityOnline, online ? 1 : 0, fmt::format("topic=\"{}\"", topic));
}

void Session::attach(Metrics& m) {
  metrics_ = &m;
  checks_.attach(m);
  relay_.attach(m);
  m.counter(metric::kMqttPublishes, "MQTT messages handed to the broker connection");
  m.state_gauge(metric::kMqttConnected, "1 while connected to the broker");
  m.gauge(metric::kMqttHeld, "Latest values held while the broker is unreachable");
  m.counter(metric::kCommands, "/set commands by result");
  m.gauge(metric::kNowbaseAge, "Age of the newest now-base data when it was published");
  m.gauge(metric::kBatterySoc, "The battery's state of charge as last published");
  m.counter(metric::kFramesRefused,
            "Frames not published: their serial or a key is not a valid topic level");
  m.counter(metric::kMqttDropped, "Values dropped because the broker refuses their topic");
  m.state_gauge(metric::kAvailabilityOnline,
                "The availability published: 1 online (fresh now-base data), 0 offline");
  m.counter(metric::kFramesStale, "Frames not published: older than --max-frame-age");
  m.add(metric::kFramesStale, 0);
  m.add(metric::kFramesRefused, 0);
  m.add(metric::kMqttDropped, 0);
  m.add(metric::kCommands, 0, "result=\"accepted\"");
  m.add(metric::kCommands, 0, "result=\"rejected\"");
  m.add(metric::kCommands, 0, "result=\"ignored\"");
  m.add(metric::kCommands, 0, "result=\"dropped\"");
  update_metrics();
}

void Session::update_metrics() {
  if (!metrics_) return;
  metrics_->set(metric::kMqttPublishes, static_cast<double>(published_));
  metrics_->set(metric::kMqttConnected, conn_.connected() ? 1 : 0);
  metrics_->set(metric::kMqttHeld, static_cast<double>(held_.size()));
}

void Session::tick() {
  const auto now = clock_.steady();
  if (available_.value_or(false) && now >= fresh_until_) set_available(false);
  conn_.tick();
  if (birth_due_ && now >= *birth_due_) {
    birth_due_.reset();
    if (device_ && conn_.connected()) {
      send_discovery();
      log_.info("discovery sent again after the Home Assistant birth message");
    }
  }
}

int Session::next_timeout_ms() const {
  const auto now = clock_.steady();
  auto until = [now](TimePoint t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
    return static_cast<int>(std::clamp<long>(ms, 0, 1000));
  };
  int t = conn_.next_timeout_ms();
  if (birth_due_) t = std::min(t, until(*birth_due_));
  if (available_.value_or(false)) t = std::min(t, until(fresh_until_));
  return t;
}

void Session::session_began() {
  if (settings_.hass_enable) transport_.subscribe(hass_status_topic(settings_.hass_base_topic));
  for (const auto& t : command_topics_) transport_.subscribe(t);
  if (device_ && settings_.hass_enable) send_discovery();
  const auto held = std::move(held_);
  held_.clear();
  for (const auto& [topic, payload] : held) publish(topic, payload, false);
  if (!held.empty()) log_.info(fmt::format("published {} held values", held.size()));
  // the broker may have published our will while we were away: say what is true
  set_available(clock_.steady() < fresh_until_, true);
}

void Session::publish(const std::string& topic, const std::string& payload, bool retain) {
  // A topic the broker refuses (wildcards, bad UTF-8, too long) would be
  // held forever: it is dropped, with one warning per topic. Connected, the
  // transport's publish checks the topic itself (once per message, not twice).
  std::optional<std::string> refused;
  if (conn_.connected()) {
    const auto sent = transport_.publish(topic, payload, retain);
    if (sent.result == Transport::Sent::Result::sent) {
      ++published_;
      return;
    }
    if (sent.result == Transport::Sent::Result::refused) refused = sent.why;
  }
  if (!refused) refused = transport_.refused_topic(topic);  // to hold it, or not
  if (refused) {
    if (metrics_) metrics_->add(metric::kMqttDropped);
    repeats_.warn("dropped", topic,
                  fmt::format("the broker refuses topic '{}' ({}): its values are dropped",
                              untrusted(topic), *refused));
    return;
  }
  if (!retain) held_[topic] = payload;  // retained messages are re-sent on connect anyway
}

void Session::send_discovery() {
  const auto messages = discovery_messages(catalog_, *device_);
  for (const auto& m : messages) publish(m.topic, m.payload, true);
  const auto line = fmt::format("discovery sent: {} entities under {}/", messages.size(),
                                settings_.hass_base_topic);
  if (!discovery_told_)
    log_.notice(line);
  else
    log_.info(line);
  discovery_told_ = true;
  subscribe_commands();
}

void Session::subscribe_commands() {
  if (!settings_.hass_enable && o_.commands_out.empty()) return;
  // one wildcard for every key, so that unknown keys are answered with a reason too
  const std::string t = set_subscription(settings_.mqtt_topic, serial_);
  if (command_topics_.insert(t).second && conn_.connected()) transport_.subscribe(t);
}

void Session::frame(const Json& f) {
  if (checks_.stale(f)) return;
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
  if (!checks_.topic_safe(f, serial, group)) return;
  if (serial_.empty()) {
    serial_ = serial;
    if (!settings_.hass_enable) subscribe_commands();
  }
  const std::optional<Group> known = parse_group(group);  // nullopt: another stage's group
  if (known == Group::statics && !device_) {
    device_ = device_from_static(values, discovery_options(o_, serial_));
    if (device_ && settings_.hass_enable && conn_.connected()) send_discovery();
  }
  const auto states =
      state_messages(values, settings_.mqtt_topic, serial, group, settings_.float_format);
  for (const auto& m : states) publish(m.topic, m.payload, false);
  if (settings_.mqtt_json) {
    const std::string ts =
        f.contains("ts") && f["ts"].is_string() ? f["ts"].get<std::string>() : "";
    if (const auto r = reading_message(values, ts, settings_.mqtt_topic, serial, group))
      publish(r->topic, r->payload, false);
  }
  if (!states.empty() && conn_.connected() && !first_values_told_ && known != Group::statics) {
    log_.notice(fmt::format("first values published: {} {} values under {}/{}/", states.size(),
                            untrusted(group), settings_.mqtt_topic, untrusted(serial)));
    first_values_told_ = true;
  }
  if (known == Group::now_base && !values.empty()) {
    fresh_until_ = clock_.steady() + stale_after_;
    if (conn_.connected()) set_available(true);
  }
  if (known == Group::now_base) frame_metrics(f, values);
}

void Session::frame_metrics(const Json& f, const Json& values) {
  if (!metrics_) return;
  if (values.contains("battery_soc") && values["battery_soc"].is_number())
    metrics_->set(metric::kBatterySoc, values["battery_soc"].get<double>());
  if (f.contains("ts") && f["ts"].is_string())
    if (auto t = parse_timestamp(f["ts"].get<std::string>()))
      metrics_->set(metric::kNowbaseAge, std::chrono::duration<double>(clock_.wall() - *t).count());
}

std::string Session::status() const {
  std::string s;
  auto add = [&s](const std::string& part) { s += (s.empty() ? "" : "; ") + part; };
  if (!conn_.connected() && !conn_.down_since().empty())
    add(fmt::format("broker down since {}, {} latest value{} held", conn_.down_since(),
                    held_.size(), held_.size() == 1 ? "" : "s"));
  else if (!conn_.connected())
    add("connecting to the broker " + conn_.broker());
  if (checks_.stale_dropped())
    add(fmt::format("pipeline stalled: {} stale frames dropped", checks_.stale_dropped()));
  if (s.empty()) s = first_values_told_ ? "publishing" : "waiting for the first values";
  return s;
}

void Session::message(const std::string& topic, const std::string& payload, bool retained) {
  if (settings_.hass_enable && topic == hass_status_topic(settings_.hass_base_topic)) {
    if (payload == "online") {
      birth_due_ = clock_.steady() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                         settings_.hass_birth_gracetime);
      log_.info(fmt::format("Home Assistant is online: discovery again in {} s",
                            settings_.hass_birth_gracetime.count()));
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
  relay_.relay(topic, payload, serial_);
}

bool Session::pump_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = clock_.steady() + limit;
  while (!done()) {
    if (conn_.fatal() || clock_.steady() >= deadline) return false;
    tick();
    const int fd = socket();
    const auto events = static_cast<short>(POLLIN | (wants_write() ? POLLOUT : 0));
    const short ready =
        transport_.wait(fd, events, std::chrono::milliseconds(std::min(next_timeout_ms(), 100)));
    if (fd >= 0 && ready) io(ready);
  }
  return true;
}

int Session::finish() {
  // going away on purpose: the data stop being true now, not at the will
  if (conn_.connected() && available_.value_or(false)) set_available(false);
  if (!held_.empty() || !conn_.ever_connected())
    log_.info("end of input: waiting for the broker to take what is held");
  pump_until([this] { return conn_.connected() && held_.empty(); }, o_.linger);
  if (conn_.fatal()) return conn_.fatal();
  if (settings_.hass_enable && !device_ &&
      (published_ > 0 || !held_.empty()))  // a one-shot without static
    log_.notice(
        "no discovery sent: it needs a static frame (serial, model, firmware); "
        "mtec-read -g static or --all gives one");
  if (!conn_.ever_connected()) {
    log_.error(fmt::format("broker {} was never reachable; {} values not delivered", conn_.broker(),
                           held_.size()));
    return exit_code(ErrorClass::unavailable);
  }
  // Barrier: the broker answers an UNSUBSCRIBE after it has processed every
  // packet before it. Closing earlier, with its answers unread, would reset
  // the connection and lose the tail of what we sent. Like the legacy, the
  // command topics are unsubscribed at the end.
  if (conn_.connected()) {
    std::vector<std::string> topics(command_topics_.begin(), command_topics_.end());
    if (topics.empty()) topics.push_back(barrier_topic(settings_.mqtt_topic, serial_));
    for (const auto& t : topics)
      if (const auto mid = transport_.unsubscribe(t)) barrier_mid_ = *mid;
    if (!pump_until([this] { return barrier_done_ || !conn_.connected(); }, o_.linger))
      log_.warn("the broker did not confirm the last messages in time");
  }
  const size_t lost = held_.size();
  if (conn_.socket_open()) {
    transport_.disconnect();  // a clean DISCONNECT: the broker does not send the will
    pump_until([this] { return !conn_.socket_open(); }, std::chrono::milliseconds(1000));
  }
  if (lost) {
    log_.error(fmt::format("{} held values could not be delivered", lost));
    return exit_code(ErrorClass::unavailable);
  }
  return 0;
}

int Session::stop() {
  if (conn_.fatal()) return conn_.fatal();
  if (!conn_.connected()) {
    if (!held_.empty())
      log_.warn(
          fmt::format("stopping with the broker down: {} held values not delivered", held_.size()));
    return 0;
  }
  finish();
  return conn_.fatal();
}

int Session::unregister(const std::string& serial) {
  if (!pump_until([this] { return conn_.connected(); }, o_.linger)) {
    if (conn_.fatal()) return conn_.fatal();
    log_.error(fmt::format("broker {} unreachable", conn_.broker()));
    return exit_code(ErrorClass::unavailable);
  }
  int n = 0;
  for (const auto& m : discovery_messages(catalog_, discovery_options(o_, serial))) {
    transport_.publish(m.topic, "", true);
    ++n;
  }
  log_.notice(fmt::format("cleared {} discovery topics", n));
  return finish();
}

}  // namespace mtec::mqtt
