// The broker connection of an MQTT session: the first attempt, reconnects
// with backoff, what the logs tell of an outage, the CONNACK (a refused
// login is fatal, 77), the CONNACK timeout and the transport's steps. What
// goes over the connection is the session's (session.hpp), told through
// ConnectionListener.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "mtec/base/backoff.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/outage.hpp"
#include "mtec/mqtt/mqtt_transport.hpp"
#include "mtec/mqtt/session_clock.hpp"

namespace mtec::mqtt {

// --- Interface ---

// A broker answers CONNECT at once; one that has not within this time after
// the TCP connect is not an MQTT broker speaking our protocol (a TLS port,
// another service, a hostile peer): logged, dropped, tried again later.
inline constexpr std::chrono::seconds kConnackTimeout{10};

class ConnectionListener {
 public:
  // The broker accepted a session (subscribe, publish what is held).
  virtual void session_began() = 0;
  virtual void message(const std::string& topic, const std::string& payload, bool retained) = 0;
  virtual void unsubscribed(int mid) = 0;
  // How many values are held (for the outage's log lines).
  virtual size_t held() const = 0;

 protected:
  ~ConnectionListener() = default;
};

class Connection final : private TransportEvents {
 public:
  // `random` jitters the backoff (empty: no jitter).
  Connection(Transport& transport, Broker broker, const Logger& log, SessionClock clock,
             RandomSource random, ConnectionListener& listener);
  // The transport may outlive the connection: its events stop here.
  ~Connection() { transport_.listen(nullptr); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The first attempt (a failed one is retried with backoff).
  void start() { try_connect(); }
  // Socket readiness (poll(2) flags): read, then write.
  void io(short revents);
  // The CONNACK timeout, keepalive, a reconnect when due.
  void tick();
  // Milliseconds until tick() has work (at most 1000).
  int next_timeout_ms() const;

  // The socket to poll (-1 while there is no connection) and whether to poll it for writing.
  int socket() const { return socket_open_ ? transport_.socket() : -1; }
  bool wants_write() const { return socket_open_ && transport_.wants_write(); }
  bool socket_open() const { return socket_open_; }  // TCP connected (CONNACK may be pending)
  bool connected() const { return connected_; }      // CONNACK accepted
  bool ever_connected() const { return ever_connected_; }
  // The exit code of a fatal error (a refused login: 77), else 0.
  int fatal() const { return fatal_; }
  // HH:MM:SS since the broker is unreachable ("" while it is not).
  const std::string& down_since() const { return down_since_; }
  // host:port.
  std::string broker() const;
  const Broker& options() const { return broker_; }

 private:
  void connack(const Connack& c) override;
  void closed(const Closed& c) override;
  void message(const std::string& topic, const std::string& payload, bool retained) override {
    listener_.message(topic, payload, retained);
  }
  void unsubscribed(int mid) override { listener_.unsubscribed(mid); }
  void try_connect();
  void lost(const std::string& why);
  // Logs a failed connect or a lost session as the outage goes on; `hint`
  // follows the first line of an outage.
  void tell_down(const std::string& first_line, const std::string& why,
                 const std::string& hint = "");

  Transport& transport_;
  Broker broker_;
  const Logger& log_;
  SessionClock clock_;
  ConnectionListener& listener_;
  Backoff backoff_;
  Outage outage_;            // the broker unreachable or lost
  SessionWatch session_;     // sessions the broker closes soon after accepting them
  bool taken_over_ = false;  // the broker's DISCONNECT said: session taken over
  bool socket_open_ = false;
  TimePoint opened_at_{};  // the CONNACK is due kConnackTimeout later
  bool connected_ = false;
  bool ever_connected_ = false;
  int fatal_ = 0;
  TimePoint retry_at_{};
  std::string down_since_;
};

}  // namespace mtec::mqtt
