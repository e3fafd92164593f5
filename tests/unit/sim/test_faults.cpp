// The simulator's fault rules: each corruption is structural (a client's
// checks must see it) and an RTU frame keeps a right CRC unless the CRC is
// the fault; the share of corrupt replies follows --corrupt and a seed
// replays the same choices; exceptions cover any address in the request's
// range; connections end after --drop-after requests; --single-client and
// --refuse.
#include <gtest/gtest.h>

#include <algorithm>

#include "mtec/modbus/modbus_frame.hpp"
#include "mtec/sim/faults.hpp"

namespace mtec::sim::faults_test {

using modbus::Framer;

// A read reply of two words (0x1234, 0x5678) for unit 247, transaction 0x0102.
std::vector<uint8_t> reply(Framer f) {
  const std::vector<uint8_t> pdu = {0x03, 4, 0x12, 0x34, 0x56, 0x78};
  return modbus::encode(f, 0x0102, 247, pdu);
}

bool crc_right(const std::vector<uint8_t>& adu) {
  const uint16_t crc = modbus::crc16(std::span(adu).first(adu.size() - 2));
  return (adu[adu.size() - 2] | (adu[adu.size() - 1] << 8)) == crc;
}

uint8_t no_byte() {
  ADD_FAILURE() << "only garbage draws bytes";
  return 0;
}

TEST(SimFaults, EachTcpCorruptionChangesWhatTheClientChecks) {
  auto a = reply(Framer::tcp);
  corrupt_reply(a, Corruption::tid, Framer::tcp, no_byte);
  EXPECT_EQ(a[1], 0x03);  // transaction 0x0103
  a = reply(Framer::tcp);
  corrupt_reply(a, Corruption::unit, Framer::tcp, no_byte);
  EXPECT_EQ(a[6], 247 ^ 0x5A);
  a = reply(Framer::tcp);
  corrupt_reply(a, Corruption::function, Framer::tcp, no_byte);
  EXPECT_EQ(a[7], 0x03 ^ 0x04);
  a = reply(Framer::tcp);
  corrupt_reply(a, Corruption::truncated, Framer::tcp, no_byte);
  ASSERT_EQ(a.size(), reply(Framer::tcp).size() - 2);
  EXPECT_EQ(a[5], 7 - 2);  // the MBAP length (unit + PDU) agrees with the shorter frame
  EXPECT_EQ(a.back(), 0x34);
  a = reply(Framer::tcp);
  uint8_t next = 0xA0;
  corrupt_reply(a, Corruption::garbage, Framer::tcp, [&] { return next++; });
  EXPECT_EQ(a.front(), 0xA0);
  EXPECT_EQ(a.back(), 0xA0 + a.size() - 1);
}

TEST(SimFaults, RtuCorruptionsKeepTheCrcRightUnlessItIsTheFault) {
  for (auto kind : {Corruption::unit, Corruption::function, Corruption::truncated}) {
    auto a = reply(Framer::rtu);
    corrupt_reply(a, kind, Framer::rtu, no_byte);
    EXPECT_NE(a, reply(Framer::rtu)) << static_cast<int>(kind);
    EXPECT_TRUE(crc_right(a)) << static_cast<int>(kind);
  }
  auto t = reply(Framer::rtu);
  corrupt_reply(t, Corruption::truncated, Framer::rtu, no_byte);
  EXPECT_EQ(t.size(), reply(Framer::rtu).size() - 2);
  for (auto kind : {Corruption::crc, Corruption::tid}) {  // RTU has no transaction id
    auto a = reply(Framer::rtu);
    corrupt_reply(a, kind, Framer::rtu, no_byte);
    EXPECT_FALSE(crc_right(a));
    const auto right = reply(Framer::rtu);
    EXPECT_TRUE(std::equal(a.begin(), a.end() - 1, right.begin()));  // only the CRC differs
  }
}

TEST(SimFaults, TheShareOfCorruptRepliesFollowsTheRateAndASeedReplaysIt) {
  auto count = [](double rate, uint64_t seed, std::vector<std::vector<uint8_t>>* out = nullptr) {
    FaultOptions o;
    o.corrupt = rate;
    o.seed = seed;
    Faults f(o, Framer::tcp);
    int n = 0;
    for (int i = 0; i < 1000; ++i) {
      auto a = reply(Framer::tcp);
      const bool hit = f.maybe_corrupt(a);
      EXPECT_EQ(hit, a != reply(Framer::tcp));
      n += hit;
      if (out) out->push_back(a);
    }
    return n;
  };
  EXPECT_EQ(count(0, 1), 0);
  EXPECT_EQ(count(1, 1), 1000);
  const int tenth = count(0.1, 11);
  EXPECT_GT(tenth, 60);
  EXPECT_LT(tenth, 140);
  std::vector<std::vector<uint8_t>> first, again, other;
  count(0.3, 7, &first);
  count(0.3, 7, &again);
  count(0.3, 8, &other);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST(SimFaults, AnExceptionCoversEveryRequestTouchingItsAddress) {
  FaultOptions o;
  o.exceptions = {{10100, 4}, {10200, 2}};
  const Faults f(o, Framer::tcp);
  EXPECT_EQ(f.exception_for(10100, 1), 4);
  EXPECT_EQ(f.exception_for(10090, 11), 4);  // 10090..10100
  EXPECT_EQ(f.exception_for(10090, 10), std::nullopt);
  EXPECT_EQ(f.exception_for(10101, 99), std::nullopt);
  EXPECT_EQ(f.exception_for(10101, 100), 2);
  EXPECT_EQ(f.exception_for(0, 65535), 4);  // the lowest one first
}

TEST(SimFaults, ConnectionsClientsAndDelay) {
  const Faults plain(FaultOptions{}, Framer::tcp);
  EXPECT_FALSE(plain.ends_connection(1000000));
  EXPECT_TRUE(plain.admits(5));
  EXPECT_TRUE(plain.accepts());
  EXPECT_EQ(plain.reply_delay_ms(), 0);
  FaultOptions o;
  o.delay_ms = 250;
  o.drop_after = 3;
  o.single_client = true;
  o.refuse = true;
  const Faults f(o, Framer::tcp);
  EXPECT_FALSE(f.ends_connection(2));
  EXPECT_TRUE(f.ends_connection(3));
  EXPECT_TRUE(f.admits(0));
  EXPECT_FALSE(f.admits(1));
  EXPECT_FALSE(f.accepts());
  EXPECT_EQ(f.reply_delay_ms(), 250);
}

}  // namespace mtec::sim::faults_test
