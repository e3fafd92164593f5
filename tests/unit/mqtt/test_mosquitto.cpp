// The libmosquitto transport against a scripted peer on a loopback socket
// in this thread (no broker, no timing): what CONNECT carries (MQTT v5,
// Maximum Packet Size, will, login), the CONNACK's answers (3.1.1 after a
// v5 refusal, a refused login), the first byte of a TLS port, the topics
// libmosquitto refuses, a TLS set-up it refuses, a closed port. Not
// covered here: TLS itself, keepalive, large packets (the bats suites run
// a real mosquitto and a hostile broker for those).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "mtec/base/errors.hpp"
#include "mtec/mqtt/mosquitto.hpp"
#include "mtec/mqtt/session_options.hpp"

namespace mtec::mqtt {
namespace mosquitto_tests {

struct Events final : TransportEvents {
  std::vector<Connack> connacks;
  std::vector<Closed> closes;
  void connack(const Connack& c) override { connacks.push_back(c); }
  void closed(const Closed& c) override { closes.push_back(c); }
  void message(const std::string&, const std::string&, bool) override {}
  void unsubscribed(int) override {}
};

// A listening loopback socket; the peer side of one connection at a time.
class Peer {
 public:
  Peer() {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listen_, 4), 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Peer() {
    if (conn_ >= 0) ::close(conn_);
    ::close(listen_);
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  int port() const { return port_; }
  // The connection the transport opened (already in the backlog).
  void accept() {
    if (conn_ >= 0) ::close(conn_);
    conn_ = ::accept(listen_, nullptr, nullptr);
    ASSERT_GE(conn_, 0);
  }
  // What the transport has sent (written before its call returned).
  std::string received() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(conn_, buf, sizeof buf, MSG_DONTWAIT)) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }
  void send(const std::string& bytes) {
    ASSERT_EQ(::send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

 private:
  int listen_ = -1, conn_ = -1, port_ = 0;
};

Broker broker_at(int port) {
  Broker b = broker_of(Options{});  // the config's client id
  b.host = "127.0.0.1";
  b.port = port;
  b.username = "user";
  b.password = "secret";
  return b;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (const int c : b) s += static_cast<char>(c);
  return s;
}

// A transport connected to a Peer, the peer holding the CONNECT it sent.
struct Opened {
  explicit Opened(const std::string& will) : t(broker_at(peer.port()), will) {
    t.listen(&e);
    EXPECT_EQ(t.connect(), std::nullopt);
    peer.accept();
    connect = peer.received();
  }
  Peer peer;
  MosquittoTransport t;
  Events e;
  std::string connect;
};

// The CONNECT's variable header after the fixed header (a one-byte length here).
std::string variable_header(const std::string& connect) { return connect.substr(2); }

TEST(MosquittoTransport, AClosedLoopbackPortFailsAtOnceWithTheReason) {
  int port = 0;
  {
    const Peer gone;  // bound, then closed: nothing listens there
    port = gone.port();
  }
  MosquittoTransport t(broker_at(port), "MTEC/M-TEC-MQTT/availability");
  Events e;
  t.listen(&e);
  EXPECT_EQ(t.connect(), std::optional<std::string>("Connection refused"));
}

TEST(MosquittoTransport, ConnectIsMqttV5WithMaximumPacketSizeTheWillAndTheLogin) {
  Opened o("MTEC/M-TEC-MQTT/availability");
  auto& [peer, t, e, c] = o;
  ASSERT_GT(c.size(), 20u);
  EXPECT_EQ(c[0], '\x10');  // CONNECT
  const std::string h = variable_header(c);
  EXPECT_EQ(h.substr(0, 7), bytes({0, 4, 'M', 'Q', 'T', 'T', 5}));
  // user name, password, will retain, will, clean start; keepalive 60 s
  EXPECT_EQ(h.substr(7, 3), bytes({0xE6, 0, 60}));
  // properties: Maximum Packet Size (0x27) = 65536, then libmosquitto's
  // Receive Maximum (0x21) = 20
  EXPECT_EQ(h.substr(10, 9), bytes({8, 0x27, 0, 1, 0, 0, 0x21, 0, 20}))
      << ::testing::PrintToString(c);
  for (const char* part :
       {"M-TEC-MQTT", "MTEC/M-TEC-MQTT/availability", "offline", "user", "secret"})
    EXPECT_NE(c.find(part), std::string::npos) << part;
  // accepted (v5 CONNACK: flags, reason 0, no properties), then a PUBLISH goes out
  peer.send(bytes({0x20, 3, 0, 0, 0}));
  EXPECT_EQ(t.read(), std::nullopt);
  ASSERT_EQ(e.connacks.size(), 1u);
  EXPECT_EQ(e.connacks[0].result, Connack::Result::accepted);
  EXPECT_EQ(t.publish("MTEC/S1/now-base/pv/state", "1", false).result,
            Transport::Sent::Result::sent);
  const std::string p = peer.received();
  EXPECT_EQ(p[0], '\x30');  // PUBLISH, QoS 0, not retained
  EXPECT_NE(p.find("MTEC/S1/now-base/pv/state"), std::string::npos);
  EXPECT_GE(t.socket(), 0);
}

TEST(MosquittoTransport, ABrokerRefusingV5IsAskedAgainIn311WhoseRefusedLoginIsTold) {
  Opened o("homeassistant/status/lwt");
  auto& [peer, t, e, c] = o;
  peer.send(bytes({0x20, 3, 0, 0x84, 0}));  // v5 CONNACK: unsupported protocol version
  t.read();                                 // libmosquitto closes the connection after a refusal
  ASSERT_EQ(e.connacks.size(), 1u);
  EXPECT_EQ(e.connacks[0].result, Connack::Result::retry_now);
  EXPECT_NE(e.connacks[0].reason.find("does not speak MQTT v5: using 3.1.1"), std::string::npos);
  EXPECT_FALSE(t.v5());
  ASSERT_EQ(t.connect(), std::nullopt);
  peer.accept();
  const std::string h = variable_header(peer.received());
  EXPECT_EQ(h.substr(0, 7), bytes({0, 4, 'M', 'Q', 'T', 'T', 4}));  // 3.1.1
  EXPECT_EQ(h.substr(10, 2), bytes({0, 10}));  // no properties: the client id's length follows
  peer.send(bytes({0x20, 2, 0, 5}));           // 3.1.1 CONNACK: not authorised
  t.read();
  ASSERT_EQ(e.connacks.size(), 2u);
  EXPECT_EQ(e.connacks[1].result, Connack::Result::login_refused);
  EXPECT_EQ(e.connacks[1].reason, "Connection Refused: not authorised.");
}

TEST(MosquittoTransport, ATlsRecordWhereTheConnackBelongsIsNoticed) {
  Opened o("homeassistant/status/lwt");
  auto& [peer, t, e, c] = o;
  EXPECT_FALSE(t.tls_reply());
  peer.send(bytes({0x15, 3, 1, 0, 2, 2, 40}));  // a TLS alert
  EXPECT_TRUE(t.read());                        // not MQTT: the read fails
  EXPECT_TRUE(t.tls_reply());
  EXPECT_TRUE(e.connacks.empty());
  ASSERT_EQ(e.closes.size(), 1u);
  EXPECT_FALSE(e.closes[0].clean);
}

TEST(MosquittoTransport, TopicsLibmosquittoRefusesAreNamed) {
  MosquittoTransport t(broker_at(1), "homeassistant/status/lwt");
  EXPECT_EQ(t.refused_topic("MTEC/S1/now-base/pv/state"), std::nullopt);
  EXPECT_TRUE(t.refused_topic("MTEC/+/x"));
  EXPECT_TRUE(t.refused_topic("MTEC/#"));
  EXPECT_TRUE(t.refused_topic("MTEC/\xff"));
  // not connected: nothing goes out, and it is no refusal of the topic
  EXPECT_EQ(t.publish("MTEC/x", "1", false).result, Transport::Sent::Result::not_sent);
  // a NUL (from a configured root) would cut the C string libmosquitto takes
  const std::string nul("MTEC\0x/S1/now-base/pv/state", 27);
  EXPECT_TRUE(t.refused_topic(nul));
  EXPECT_EQ(t.publish(nul, "1", false).result, Transport::Sent::Result::refused);
}

TEST(MosquittoTransport, ACaFileThatCannotBeReadIsAConfigError) {
  Broker b = broker_at(8883);
  b.tls.cafile = "/nonexistent/ca.pem";
  try {
    MosquittoTransport t(b, "homeassistant/status/lwt");
    ADD_FAILURE() << "a missing CA file was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    EXPECT_EQ(std::string(e.what()).rfind("TLS set-up: ", 0), 0u) << e.what();
  }
}

}  // namespace mosquitto_tests
}  // namespace mtec::mqtt
