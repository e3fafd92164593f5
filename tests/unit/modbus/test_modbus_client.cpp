// The client rejects a reply with a wrong transaction id, unit id or CRC with
// a typed error (protocol), closes the connection, and the next request
// reconnects and succeeds. The device is a scripted loopback server in a
// thread that replays captured replies.
#include <gtest/gtest.h>
#include <netdb.h>

#include "mtec/modbus/modbus_client.hpp"
#include "scripted_device.hpp"

namespace mtec::modbus {
namespace {

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

TEST(ModbusClient, ConnectTriesEveryAddressTheNameResolvesTo) {
  // "localhost" is ::1 and 127.0.0.1 on most systems; the device listens on
  // 127.0.0.1 only, so a client that tried the first address alone would fail
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  ASSERT_EQ(::getaddrinfo("localhost", "502", &hints, &res), 0);
  int addresses = 0;
  bool v4_last = false;
  for (const addrinfo* a = res; a; a = a->ai_next, ++addresses) v4_last = a->ai_family == AF_INET;
  ::freeaddrinfo(res);
  if (addresses < 2 || !v4_last)
    GTEST_SKIP() << "localhost does not resolve to another address before 127.0.0.1 here";
  ScriptedDevice dev([](const std::vector<uint8_t>& req, int) { return tcp_reply(req, 247); });
  Client c(Endpoint{"localhost", dev.port(), std::nullopt, 247, std::chrono::milliseconds(2000),
                    Framer::tcp});
  EXPECT_EQ(c.read(10000, 1), std::vector<uint16_t>{0x2166});
}

}  // namespace
}  // namespace mtec::modbus
