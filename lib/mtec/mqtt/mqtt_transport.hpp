// The MQTT client connection as the session sees it: a socket to poll, the
// steps that read, write and keep it alive, publish and (un)subscribe, and
// the events that come back from inside the steps. One implementation talks
// to the broker (mosquitto.hpp, libmosquitto); the unit tests use
// a fake. Single-threaded: the events are called from inside connect(),
// read(), write() and misc(), never from elsewhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace mtec::mqtt {

// --- Interface ---

// TLS to the broker (--cafile, --capath, --cert, --key, --insecure): on
// when a CA is given.
struct Tls {
  std::string cafile, capath, certfile, keyfile;
  bool insecure = false;
  bool on() const { return !cafile.empty() || !capath.empty(); }
};

// Where the broker is and how to log in (MQTT_SERVER, MQTT_PORT,
// MQTT_CLIENT_ID, MQTT_LOGIN, MQTT_PASSWORD, --cafile ...), as
// session_options.hpp's broker_of() makes it from the config.
struct Broker {
  std::string host;
  int port = 0;
  std::string client_id;
  std::string username, password;  // empty username: no login
  Tls tls;
};

// The broker's CONNACK, as far as the session needs it.
struct Connack {
  enum class Result {
    accepted,
    retry_now,      // the transport changed what it sends (MQTT v5 -> 3.1.1): connect again at once
    login_refused,  // bad user name or password, not authorized: fatal (77)
    refused,        // any other refusal: the broker closes, the session retries
  };
  Result result = Result::accepted;
  std::string reason;  // the broker's reason in words; for retry_now: what changed and why
};

// The connection closed (from inside a step).
struct Closed {
  bool clean = false;       // our own DISCONNECT went out: nothing lost
  bool taken_over = false;  // the broker said: another client took the session over
  std::string why;          // what closed it, in words
};

// What the transport reports back.
class TransportEvents {
 public:
  virtual void connack(const Connack& c) = 0;
  virtual void closed(const Closed& c) = 0;
  virtual void message(const std::string& topic, const std::string& payload, bool retained) = 0;
  // The broker answered the UNSUBSCRIBE with message id `mid`.
  virtual void unsubscribed(int mid) = 0;

 protected:
  ~TransportEvents() = default;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Where the events go (set before connect(); nullptr: nowhere, for a
  // listener that ends before the transport).
  virtual void listen(TransportEvents* events) = 0;
  // Open a connection and send CONNECT; nullopt when the connect went out,
  // else why it failed (the error's text).
  virtual std::optional<std::string> connect() = 0;
  // The socket to poll (-1 when there is none) and whether it has data to write.
  virtual int socket() const = 0;
  virtual bool wants_write() const = 0;
  // The steps: read what is there, write what is pending, keepalive. Each
  // returns nullopt, or why the connection failed.
  virtual std::optional<std::string> read() = 0;
  virtual std::optional<std::string> write() = 0;
  virtual std::optional<std::string> misc() = 0;
  // Whether the peer's first byte on this connection was a TLS record's (a
  // TLS port answering plain MQTT), for the hint.
  virtual bool tls_reply() const = 0;

  // Why the broker would refuse `topic` for a PUBLISH (a wildcard, bad
  // UTF-8, too long), or nullopt.
  virtual std::optional<std::string> refused_topic(const std::string& topic) const = 0;
  struct Sent {
    enum class Result { sent, refused, not_sent } result = Result::sent;
    std::string why;  // for refused: what the broker refuses (its values are dropped)
  };
  // Queue a PUBLISH (QoS 0).
  virtual Sent publish(const std::string& topic, const std::string& payload, bool retain) = 0;
  virtual void subscribe(const std::string& topic) = 0;
  // The UNSUBSCRIBE's message id (unsubscribed() names it), nullopt when it did not go out.
  virtual std::optional<int> unsubscribe(const std::string& topic) = 0;
  // A clean DISCONNECT (closed() with `clean` follows once it is written).
  virtual void disconnect() = 0;

  // The only call that blocks: waits up to `timeout` until `fd` is ready
  // for `events` (poll(2) flags) and returns the ready flags (0: the time
  // passed); with `fd` < 0 only the time passes.
  virtual short wait(int fd, short events, std::chrono::milliseconds timeout) = 0;
};

}  // namespace mtec::mqtt
