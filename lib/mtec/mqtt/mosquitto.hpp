// The MQTT transport over libmosquitto 2.0 (built as its own library,
// mtec_mosquitto, so that only mtec-publish and the unit tests link
// libmosquitto). MQTT v5 first, with Maximum Packet Size in CONNECT; 3.1.1
// (the legacy's) when the broker does not speak v5. Every libmosquitto call
// of the toolkit is in mosquitto.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mtec/mqtt/mqtt_transport.hpp"

struct mosquitto;
struct mosquitto_message;
struct mqtt5__property;

namespace mtec::mqtt {

// --- Interface ---

// mtec-publish's data memory bound (bound_data_memory): libmosquitto 2.0
// allocates a whole incoming packet as its header announces it, with no
// client-side limit; under the bound a hostile broker's 256 MB PUBLISH fails
// to allocate and the connection is dropped. Normal use needs a few MB.
inline constexpr size_t kMemoryBound = size_t{48} << 20;
// The largest packet mtec-publish takes (MQTT v5 Maximum Packet Size, sent
// in CONNECT): it subscribes to /set commands and HA's status, both small;
// a v5 broker does not send it anything larger.
inline constexpr uint32_t kMaxIncomingPacket = 64 * 1024;

class MosquittoTransport final : public Transport {
 public:
  // A client for `broker` (TLS when it names a CA) whose will is "offline",
  // retained, on `will_topic`. Throws Error(config) for a TLS set-up that
  // libmosquitto refuses, Error(software) when it cannot make a client.
  MosquittoTransport(Broker broker, const std::string& will_topic);
  ~MosquittoTransport() override;
  MosquittoTransport(const MosquittoTransport&) = delete;
  MosquittoTransport& operator=(const MosquittoTransport&) = delete;

  void listen(TransportEvents* events) override { events_ = events; }
  std::optional<std::string> connect() override;
  int socket() const override;
  bool wants_write() const override;
  std::optional<std::string> read() override;
  std::optional<std::string> write() override;
  std::optional<std::string> misc() override;
  bool tls_reply() const override { return tls_reply_; }
  std::optional<std::string> refused_topic(const std::string& topic) const override;
  Sent publish(const std::string& topic, const std::string& payload, bool retain) override;
  void subscribe(const std::string& topic) override;
  std::optional<int> unsubscribe(const std::string& topic) override;
  void disconnect() override;
  short wait(int fd, short events, std::chrono::milliseconds timeout) override;

  // Whether CONNECT is MQTT v5 (false after a 3.1.1 broker's answer).
  bool v5() const { return v5_; }

 private:
  // The client alone (libmosquitto initialised, mosquitto_new): the
  // constructor above delegates to it, so that its throws free the client.
  explicit MosquittoTransport(Broker broker);
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);
  static void on_unsubscribe(mosquitto*, void* self, int mid);
  void connack(int rc);

  Broker broker_;
  TransportEvents* events_ = nullptr;
  mosquitto* m_ = nullptr;
  bool v5_ = true;
  mqtt5__property* connect_props_ = nullptr;
  bool accepted_ = false;         // this connection's CONNACK accepted it
  bool accepted_once_ = false;    // a CONNACK ever did (3.1.1 then reconnects)
  bool first_byte_seen_ = false;  // of this connection (a TLS record's means a TLS port)
  bool tls_reply_ = false;
};

}  // namespace mtec::mqtt
