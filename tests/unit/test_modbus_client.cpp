// The client rejects a reply with a wrong transaction id, unit id or CRC with
// a typed error (protocol), closes the connection, and the next request
// reconnects and succeeds. The device is a scripted loopback server in a
// thread that replays captured replies.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "mtec/modbus_client.hpp"

namespace mtec::modbus {
namespace {

// Accepts connections one after the other; for each request calls `reply`
// with the request bytes and the connection number and sends what it returns.
class ScriptedDevice {
 public:
  using Reply = std::function<std::vector<uint8_t>(const std::vector<uint8_t>&, int)>;
  explicit ScriptedDevice(Reply reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedDevice() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  void serve() {
    for (int conn = 0;; ++conn) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      uint8_t buf[260];
      ssize_t n;
      while ((n = ::recv(c, buf, sizeof buf, 0)) > 0) {
        const auto out = reply_(std::vector<uint8_t>(buf, buf + n), conn);
        ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }
  Reply reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// A correct TCP reply to a read of one register with the value 0x2166.
std::vector<uint8_t> tcp_reply(const std::vector<uint8_t>& req, uint8_t unit, int tid_delta = 0) {
  const auto tid = static_cast<uint16_t>(((req[0] << 8) | req[1]) + tid_delta);
  return {static_cast<uint8_t>(tid >> 8),
          static_cast<uint8_t>(tid),
          0,
          0,
          0,
          5,
          unit,
          0x03,
          2,
          0x21,
          0x66};
}

Endpoint endpoint(int port, Framer f, uint8_t unit) {
  return Endpoint{"127.0.0.1", port, std::nullopt, unit, std::chrono::milliseconds(2000), f};
}

void expect_rejected_then_recovered(Client& c, const std::string& problem) {
  try {
    c.read(33000, 1);
    ADD_FAILURE() << "a bad reply was accepted";
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.cls(), ErrorClass::protocol);
    EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
  }
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.read(33000, 1), std::vector<uint16_t>{0x2166});  // reconnects
}

TEST(ModbusClient, WrongTransactionIdIsRejectedAndTheConnectionRecovers) {
  ScriptedDevice dev(
      [](const auto& req, int conn) { return tcp_reply(req, 247, conn == 0 ? 1 : 0); });
  Client c(endpoint(dev.port(), Framer::tcp, 247));
  expect_rejected_then_recovered(c, "transaction id");
}

TEST(ModbusClient, WrongUnitIdIsRejectedAndTheConnectionRecovers) {
  ScriptedDevice dev([](const auto& req, int conn) { return tcp_reply(req, conn == 0 ? 1 : 252); });
  Client c(endpoint(dev.port(), Framer::tcp, 252));
  expect_rejected_then_recovered(c, "unit id 1 instead of 252");
}

TEST(ModbusClient, WrongCrcIsRejectedAndTheConnectionRecovers) {
  ScriptedDevice dev([](const auto&, int conn) {
    auto out = encode(Framer::rtu, 0, 252, std::vector<uint8_t>{0x03, 2, 0x21, 0x66});
    if (conn == 0) out.back() ^= 0x5A;
    return out;
  });
  Client c(endpoint(dev.port(), Framer::rtu, 252));
  expect_rejected_then_recovered(c, "CRC");
}

TEST(ModbusClient, ExceptionReplyKeepsTheConnection) {
  ScriptedDevice dev([](const auto& req, int) {
    return std::vector<uint8_t>{req[0], req[1], 0, 0, 0, 3, 247, 0x83, 0x02};
  });
  Client c(endpoint(dev.port(), Framer::tcp, 247));
  try {
    c.read(33000, 1);
    FAIL();
  } catch (const ModbusError& e) {
    EXPECT_EQ(e.cls(), ErrorClass::unavailable);
    EXPECT_EQ(e.exception_code(), 2);
  }
  EXPECT_TRUE(c.connected());
}

}  // namespace
}  // namespace mtec::modbus
