#include "mtec/mqtt/mosquitto.hpp"

#include <fmt/format.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec::mqtt {

namespace {

constexpr int kKeepalive = 60;
constexpr int kConnackBadCredentials = 4;
constexpr int kConnackNotAuthorized = 5;

std::string too_large() {
  return fmt::format("a packet too large to take (over the {} MB memory bound of mtec-publish)",
                     kMemoryBound / (1024 * 1024));
}

// A failed read or write step, in words.
std::string step_error(int rc) {
  if (rc == MOSQ_ERR_NOMEM) return too_large();
  return rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
}

const char* text_or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

}  // namespace

MosquittoTransport::MosquittoTransport(Broker broker) : broker_(std::move(broker)) {
  mosquitto_lib_init();
  m_ = mosquitto_new(broker_.client_id.c_str(), true, this);
  if (!m_) {
    mosquitto_lib_cleanup();
    throw Error(ErrorClass::software, "mosquitto_new failed");
  }
}

// (delegating: once the constructor above has run, a throw below still runs
// the destructor, which frees the client and its properties)
MosquittoTransport::MosquittoTransport(Broker broker, const std::string& will_topic)
    : MosquittoTransport(std::move(broker)) {
  mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  if (mosquitto_property_add_int32(&connect_props_, MQTT_PROP_MAXIMUM_PACKET_SIZE,
                                   kMaxIncomingPacket) != MOSQ_ERR_SUCCESS)
    throw Error(ErrorClass::software, "mosquitto_property_add_int32 failed");
  // Nagle would hold each small publish back until the broker ACKs the last
  // (up to 40 ms of delayed ACK on Linux): values go out as they come.
  mosquitto_int_option(m_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_will_set(m_, will_topic.c_str(), 7, "offline", 0, true);
  if (!broker_.username.empty())
    mosquitto_username_pw_set(m_, broker_.username.c_str(), broker_.password.c_str());
  mosquitto_connect_callback_set(m_, &MosquittoTransport::on_connect);
  mosquitto_disconnect_callback_set(m_, &MosquittoTransport::on_disconnect);
  mosquitto_message_callback_set(m_, &MosquittoTransport::on_message);
  mosquitto_unsubscribe_callback_set(m_, &MosquittoTransport::on_unsubscribe);
  if (broker_.tls.on()) {
    const int rc = mosquitto_tls_set(
        m_, text_or_null(broker_.tls.cafile), text_or_null(broker_.tls.capath),
        text_or_null(broker_.tls.certfile), text_or_null(broker_.tls.keyfile), nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      throw Error(ErrorClass::config, fmt::format("TLS set-up: {}", mosquitto_strerror(rc)));
    mosquitto_tls_opts_set(m_, broker_.tls.insecure ? 0 : 1, nullptr, nullptr);
    mosquitto_tls_insecure_set(m_, broker_.tls.insecure);
  }
}

MosquittoTransport::~MosquittoTransport() {
  if (m_) mosquitto_destroy(m_);
  mosquitto_property_free_all(&connect_props_);
  mosquitto_lib_cleanup();
}

std::optional<std::string> MosquittoTransport::connect() {
  // (libmosquitto 2.0's reconnect drops the CONNECT properties: v5 connects anew)
  const char* host = broker_.host.c_str();
  const int rc =
      v5_ ? mosquitto_connect_bind_v5(m_, host, broker_.port, kKeepalive, nullptr, connect_props_)
      : accepted_once_ ? mosquitto_reconnect(m_)
                       : mosquitto_connect(m_, host, broker_.port, kKeepalive);
  if (rc == MOSQ_ERR_SUCCESS) {
    accepted_ = first_byte_seen_ = tls_reply_ = false;
    return std::nullopt;
  }
  return rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc);
}

int MosquittoTransport::socket() const { return mosquitto_socket(m_); }

bool MosquittoTransport::wants_write() const { return mosquitto_want_write(m_); }

std::optional<std::string> MosquittoTransport::read() {
  if (!accepted_ && !first_byte_seen_ && !broker_.tls.on()) {
    // the broker's first byte, before libmosquitto takes it: a TLS record
    // (handshake 0x16, alert 0x15) where a CONNACK (0x20) belongs
    unsigned char first = 0;
    if (::recv(mosquitto_socket(m_), &first, 1, MSG_PEEK | MSG_DONTWAIT) == 1) {
      first_byte_seen_ = true;
      tls_reply_ = first == 0x15 || first == 0x16;
    }
  }
  const int rc = mosquitto_loop_read(m_, 1);
  if (rc == MOSQ_ERR_SUCCESS) return std::nullopt;
  return step_error(rc);
}

std::optional<std::string> MosquittoTransport::write() {
  const int rc = mosquitto_loop_write(m_, 1);
  if (rc == MOSQ_ERR_SUCCESS) return std::nullopt;
  return step_error(rc);
}

std::optional<std::string> MosquittoTransport::misc() {
  const int rc = mosquitto_loop_misc(m_);
  if (rc == MOSQ_ERR_SUCCESS) return std::nullopt;
  return std::string(mosquitto_strerror(rc));
}

std::optional<std::string> MosquittoTransport::refused_topic(const std::string& topic) const {
  int rc = mosquitto_pub_topic_check2(topic.c_str(), topic.size());
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_validate_utf8(topic.c_str(), static_cast<int>(topic.size()));
  if (rc == MOSQ_ERR_SUCCESS) return std::nullopt;
  return std::string(mosquitto_strerror(rc));
}

Transport::Sent MosquittoTransport::publish(const std::string& topic, const std::string& payload,
                                            bool retain) {
  // libmosquitto takes the topic as a C string: one with a NUL (a topic root
  // from a config file) would be published cut short
  if (topic.find('\0') != std::string::npos)
    return {Sent::Result::refused, "the topic contains a NUL character"};
  const int rc = mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), 0, retain);
  if (rc == MOSQ_ERR_SUCCESS) return {};
  if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_MALFORMED_UTF8 || rc == MOSQ_ERR_PAYLOAD_SIZE ||
      rc == MOSQ_ERR_OVERSIZE_PACKET)
    return {Sent::Result::refused, mosquitto_strerror(rc)};
  return {Sent::Result::not_sent, mosquitto_strerror(rc)};
}

void MosquittoTransport::subscribe(const std::string& topic) {
  mosquitto_subscribe(m_, nullptr, topic.c_str(), 0);
}

std::optional<int> MosquittoTransport::unsubscribe(const std::string& topic) {
  int mid = -1;
  mosquitto_unsubscribe(m_, &mid, topic.c_str());
  if (mid < 0) return std::nullopt;
  return mid;
}

void MosquittoTransport::disconnect() { mosquitto_disconnect(m_); }

short MosquittoTransport::wait(int fd, short events, std::chrono::milliseconds timeout) {
  const int ms = static_cast<int>(timeout.count());
  if (fd < 0) {
    ::poll(nullptr, 0, ms);
    return 0;
  }
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, ms) > 0 ? p.revents : 0;
}

void MosquittoTransport::on_connect(mosquitto*, void* self, int rc) {
  static_cast<MosquittoTransport*>(self)->connack(rc);
}

void MosquittoTransport::connack(int rc) {
  Connack c;
  c.reason = v5_ ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc);
  if (v5_ && (rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION || rc == 1)) {
    // a 3.1.1 broker: again at once in 3.1.1, without Maximum Packet Size
    v5_ = false;
    mosquitto_int_option(m_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    c.result = Connack::Result::retry_now;
    c.reason =
        "does not speak MQTT v5: using 3.1.1 (incoming packets bounded by the memory bound only)";
  } else if (rc == kConnackBadCredentials || rc == kConnackNotAuthorized ||
             (v5_ && (rc == MQTT_RC_BAD_USERNAME_OR_PASSWORD || rc == MQTT_RC_NOT_AUTHORIZED))) {
    c.result = Connack::Result::login_refused;
  } else if (rc != 0) {
    c.result = Connack::Result::refused;
  } else {
    accepted_ = accepted_once_ = true;
  }
  if (events_) events_->connack(c);
}

void MosquittoTransport::on_disconnect(mosquitto*, void* self, int rc) {
  auto* t = static_cast<MosquittoTransport*>(self);
  // rc: why libmosquitto closed it (a TLS error, garbage, the peer gone)
  Closed c;
  if (rc == MOSQ_ERR_ERRNO) {
    c.why = std::strerror(errno);
  } else if (rc == MOSQ_ERR_NOMEM) {
    c.why = too_large();
  } else if (rc >= 128) {  // an MQTT v5 DISCONNECT from the broker, with its reason
    c.taken_over = rc == MQTT_RC_SESSION_TAKEN_OVER;
    c.why = mosquitto_reason_string(rc);
  } else if (rc != 0) {
    c.why = rc == MOSQ_ERR_CONN_LOST ? "connection closed" : mosquitto_strerror(rc);
  } else {
    c.clean = true;
  }
  if (t->events_) t->events_->closed(c);
}

void MosquittoTransport::on_unsubscribe(mosquitto*, void* self, int mid) {
  auto* t = static_cast<MosquittoTransport*>(self);
  if (t->events_) t->events_->unsubscribed(mid);
}

void MosquittoTransport::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* t = static_cast<MosquittoTransport*>(self);
  if (t->events_)
    t->events_->message(
        m->topic,
        std::string(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen)),
        m->retain);
}

}  // namespace mtec::mqtt
