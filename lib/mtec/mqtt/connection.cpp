#include "mtec/mqtt/connection.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>

#include "mtec/base/errors.hpp"
#include "mtec/mqtt/broker_hints.hpp"

namespace mtec::mqtt {

Connection::Connection(Transport& transport, Broker broker, const Logger& log, SessionClock clock,
                       RandomSource random, ConnectionListener& listener)
    : transport_(transport),
      broker_(std::move(broker)),
      log_(log),
      clock_(std::move(clock)),
      listener_(listener),
      // the broker is a local service: after any outage data are back within
      // about 5 s of its return (the conventions' 60 s cap is for the inverter)
      backoff_(Backoff::Policy{Duration(1000), 2.0, Duration(5000), 0.25}, std::move(random)) {
  transport_.listen(this);
}

std::string Connection::broker() const { return fmt::format("{}:{}", broker_.host, broker_.port); }

void Connection::tell_down(const std::string& first_line, const std::string& why,
                           const std::string& hint) {
  const auto now = clock_.steady();
  if (down_since_.empty()) {
    const auto t = std::chrono::system_clock::to_time_t(clock_.wall());
    down_since_ = fmt::format("{:%H:%M:%S}", fmt::localtime(t));
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
          outage_.attempts(), why, listener_.held()));
      break;
    case Outage::Say::quiet:
      log_.debug(fmt::format("broker {} still unreachable: {}", broker(), why));
  }
}

void Connection::try_connect() {
  const auto failed = transport_.connect();
  if (!failed) {
    socket_open_ = true;
    opened_at_ = clock_.steady();
    return;
  }
  session_.connect_failed();  // the broker is down: an outage, not a takeover
  // a broker that restarts is back in seconds: in the first half minute of
  // an outage an attempt is at most 2 s away, then the backoff grows
  auto delay = backoff_.next();
  if (!outage_.down() || outage_.length(clock_.steady()) < std::chrono::seconds(30))
    delay = std::min<Duration>(delay, std::chrono::seconds(2));
  retry_at_ = clock_.steady() + delay;
  const std::string& why = *failed;
  tell_down(fmt::format("broker {} unreachable: {}; retrying with backoff", broker(), why), why,
            broker_unreachable_hint(broker_.host, broker_.port, broker_.tls.on(), why));
}

void Connection::lost(const std::string& why) {
  if (!socket_open_ && !connected_) return;
  const auto now = clock_.steady();
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
          broker_.client_id));
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
              why,
              before_connack_hint(broker_.host, broker_.port, broker_.tls.on(),
                                  transport_.tls_reply(), why));
  }
  connected_ = false;
  retry_at_ = now + std::min<Duration>(backoff_.next(), std::chrono::seconds(10));
}

void Connection::io(short revents) {
  if (!socket_open_) return;
  std::optional<std::string> failed;
  if (revents & (POLLIN | POLLHUP | POLLERR)) failed = transport_.read();
  if (!failed && socket_open_ && (revents & POLLOUT)) failed = transport_.write();
  if (failed) lost(*failed);
}

void Connection::tick() {
  const auto now = clock_.steady();
  if (socket_open_ && !connected_ && now - opened_at_ >= kConnackTimeout) {
    lost(fmt::format("no CONNACK within {} s", kConnackTimeout.count()));
  } else if (socket_open_) {
    if (const auto failed = transport_.misc()) lost(*failed);
  } else if (!fatal_ && now >= retry_at_) {
    try_connect();
  }
}

int Connection::next_timeout_ms() const {
  const auto now = clock_.steady();
  auto until = [now](TimePoint t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
    return static_cast<int>(std::clamp<long>(ms, 0, 1000));
  };
  int t = 1000;
  if (!socket_open_) t = std::min(t, until(retry_at_));
  if (socket_open_ && !connected_) t = std::min(t, until(opened_at_ + kConnackTimeout));
  return t;
}

void Connection::closed(const Closed& c) {
  if (c.clean) {
    socket_open_ = connected_ = false;
    return;
  }
  taken_over_ = c.taken_over;
  lost(c.why);
}

void Connection::connack(const Connack& c) {
  switch (c.result) {
    case Connack::Result::retry_now:
      log_.info(fmt::format("broker {} {}", broker(), c.reason));
      socket_open_ = false;
      retry_at_ = clock_.steady();
      return;
    case Connack::Result::login_refused:
      log_.error(fmt::format("broker {} refused the login: {}", broker(), c.reason));
      fatal_ = exit_code(ErrorClass::no_perm);
      return;
    case Connack::Result::refused:
      log_.warn(fmt::format("broker {} refused the connection: {}", broker(), c.reason));
      return;
    case Connack::Result::accepted: break;
  }
  const auto now = clock_.steady();
  if (outage_.down())
    log_.notice(fmt::format(
        "connected to the broker {} again after {} s", broker(),
        std::chrono::duration_cast<std::chrono::seconds>(outage_.recovered(now)).count()));
  else if (!ever_connected_)
    log_.notice(fmt::format("connected to the broker {} ({}, client id {})", broker(),
                            broker_.tls.on() ? "TLS" : "no TLS", broker_.client_id));
  connected_ = true;
  ever_connected_ = true;
  down_since_.clear();
  session_.accepted(now);
  listener_.session_began();
}

}  // namespace mtec::mqtt
