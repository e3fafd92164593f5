// read_registers against a scripted device: retries after transport faults,
// exception replies answered once, refused spans learned, the time budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <set>

#include "mtec/inverter/reader.hpp"
#include "one_word_registers.hpp"
#include "scripted_device.hpp"
#include "scripted_inverter.hpp"

namespace mtec {
namespace {

using modbus::ScriptedDevice;

// A device holding `words` (address -> word). Addresses outside the map are
// refused with exception 02 when `strict`, read as 0 otherwise. `fault` may
// spoil the n-th reply (0-based); `exceptions` refuse touching addresses.
struct Device {
  std::map<int, uint16_t> words;
  bool strict = false;
  std::map<int, int> exceptions;  // address -> code
  std::function<bool(int n)> corrupt = [](int) { return false; };
  std::atomic<int> requests{0};
  std::vector<std::pair<int, int>> refused;  // (start, count) answered with an exception

  std::vector<uint8_t> reply(const std::vector<uint8_t>& q) {
    const int n = requests++;
    const int start = (q[8] << 8) | q[9], count = (q[10] << 8) | q[11];
    std::vector<uint8_t> pdu;
    int code = 0;
    for (int a = start; a < start + count; ++a) {
      if (exceptions.count(a)) code = exceptions[a];
      if (strict && !words.count(a)) code = code ? code : 2;
    }
    if (code) {
      pdu = {0x83, static_cast<uint8_t>(code)};
      refused.emplace_back(start, count);
    } else {
      pdu = {0x03, static_cast<uint8_t>(2 * count)};
      for (int a = start; a < start + count; ++a) {
        const uint16_t w = words.count(a) ? words[a] : 0;
        pdu.push_back(static_cast<uint8_t>(w >> 8));
        pdu.push_back(static_cast<uint8_t>(w));
      }
    }
    std::vector<uint8_t> adu = modbus::tcp_reply(q, pdu);
    if (corrupt(n)) adu[1] = static_cast<uint8_t>(adu[1] + 1);  // wrong transaction id
    return adu;
  }
};

using Regs = test::OneWordRegisters;

struct ReaderRig {
  Device device;
  ScriptedDevice server{[this](const std::vector<uint8_t>& q, int) { return device.reply(q); }};
  modbus::Client client{modbus::Endpoint{"127.0.0.1", server.port(), std::nullopt, 247,
                                         std::chrono::milliseconds(2000), modbus::Framer::tcp}};
};

TEST(Reader, RetriesRecoverFromCorruptRepliesWithoutWrongValues) {
  ReaderRig rig;
  rig.device.words = {{1, 11}, {2, 22}, {40, 44}};
  rig.device.corrupt = [](int n) { return n % 2 == 0; };  // every first try is spoilt
  const Regs r({1, 2, 40});
  ReadPolicy policy;
  policy.retries = 1;
  const auto out = read_registers(rig.client, r.ptrs, 0, policy);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.retries, 2);
  EXPECT_EQ(out.words.at(r.ptrs[0]), std::vector<uint16_t>{11});
  EXPECT_EQ(out.words.at(r.ptrs[2]), std::vector<uint16_t>{44});
  EXPECT_EQ(rig.device.requests, 4);

  ReaderRig none;
  none.device.words = rig.device.words;
  none.device.corrupt = [](int) { return true; };
  policy.retries = 2;
  const auto failed = read_registers(none.client, r.ptrs, 0, policy);
  ASSERT_EQ(failed.errors.size(), 2u);
  EXPECT_TRUE(failed.errors[0].is(ErrorClass::protocol));
  EXPECT_EQ(*failed.worst, ErrorClass::protocol);
  EXPECT_TRUE(failed.words.empty());
  EXPECT_EQ(none.device.requests, 6);  // 2 requests x (1 + 2 retries)
}

TEST(Reader, AnExceptionIsAnAnswerNotRetried) {
  ReaderRig rig;
  rig.device.words = {{5, 1}};
  rig.device.exceptions = {{5, 4}};
  const Regs r({5});
  const auto out = read_registers(rig.client, r.ptrs, 0, ReadPolicy{});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].exception, 4);
  EXPECT_EQ(rig.device.requests, 1);
}

TEST(Reader, AMergedRefusalIsCutUntilTheRefusingRegisterIsAlone) {
  ReaderRig rig;
  for (int a : {1, 2, 3, 4, 5, 6}) rig.device.words[a] = static_cast<uint16_t>(a);
  rig.device.exceptions = {{4, 2}};
  const Regs r({1, 2, 3, 4, 5, 6});
  const auto out = read_registers(rig.client, r.ptrs, 10, ReadPolicy{});
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].keys, std::vector<std::string>{"r4"});
  EXPECT_EQ(out.words.size(), 5u);
}

TEST(Reader, RefusedSpansAreLearnedAndNotAskedAgain) {
  ReaderRig rig;
  rig.device.strict = true;
  rig.device.words = {{1, 1}, {2, 2}, {10, 10}, {11, 11}, {12, 12}};  // 3..9 unmapped
  const Regs r({1, 2, 10, 11, 12});
  PlanMemory memory;
  ReadPolicy policy;
  policy.memory = &memory;
  auto out = read_registers(rig.client, r.ptrs, 10, policy);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.words.size(), 5u);
  const auto refused_first = rig.device.refused;
  ASSERT_EQ(refused_first.size(), 1u);
  EXPECT_EQ(memory.size(), 2u);  // the refused request and the bridge 2..10 across its cause
  const int before = rig.device.requests;
  out = read_registers(rig.client, r.ptrs, 10, policy);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(rig.device.refused.size(), 1u);    // nothing refused again
  EXPECT_EQ(rig.device.requests - before, 2);  // 1..2 and 10..12
}

TEST(Reader, TheBudgetEndsARetryingRead) {
  ReaderRig rig;
  rig.device.words = {{1, 1}, {50, 5}, {90, 9}};
  rig.device.corrupt = [](int) { return true; };
  const Regs r({1, 50, 90});
  auto t = ReadPolicy::Clock::time_point{};
  ReadPolicy policy;
  policy.retries = 100;
  policy.budget = std::chrono::milliseconds(1000);
  policy.now = [&t] {
    const auto now = t;
    t += std::chrono::milliseconds(300);  // each look at the clock: 300 ms later
    return now;
  };
  const auto out = read_registers(rig.client, r.ptrs, 0, policy);
  ASSERT_EQ(out.errors.size(), 3u);
  EXPECT_TRUE(out.errors[0].is(ErrorClass::protocol));
  EXPECT_NE(out.errors[0].message.find(" of 101 times: the read's time budget of 1000 ms"),
            std::string::npos)
      << out.errors[0].message;
  EXPECT_NE(out.errors[1].message.find("time budget of 1000 ms"), std::string::npos);
  EXPECT_NE(out.errors[2].message.find("not tried"), std::string::npos);
  EXPECT_EQ(out.untried, 2u);  // what read reports pass over
  EXPECT_GT(out.first_failure_tries, 0);
  EXPECT_EQ(out.first_failure_allowed, 101);
  EXPECT_LT(rig.device.requests, 10);
}

// Through modbus::Device, without a socket: a device that refuses the
// reconnect ends the read; the requests after it are reported, not tried.
TEST(Reader, AFailedReconnectStopsTheReadAndTheRestIsNotTried) {
  const TimePoint now{};
  test::ScriptedInverter device(now);
  device.unplug();
  const Regs r({1, 50, 90});
  ReadPolicy policy;
  policy.now = [&now] { return now; };
  const auto out = read_registers(device, r.ptrs, 0, policy);
  ASSERT_EQ(out.errors.size(), 3u);
  EXPECT_EQ(out.errors[0].message, "inverter.test:502: connection refused");
  EXPECT_EQ(out.errors[1].message, "not tried: inverter.test:502: connection refused");
  EXPECT_EQ(out.untried, 2u);
  EXPECT_TRUE(out.connection_lost);
  EXPECT_EQ(out.worst, ErrorClass::unavailable);
  EXPECT_EQ(device.connects.size(), 1u);
}

// A gateway that closes the connection after serving a request: reconnected
// without counting a try (with no retries allowed, the read still succeeds).
TEST(Reader, AConnectionClosedAfterServingIsReconnectedWithoutCountingATry) {
  const TimePoint now{};
  test::ScriptedInverter device(now);
  device.words = {{1, 11}, {50, 55}};
  device.connect();
  device.script = {test::ScriptedInverter::Step::answer, test::ScriptedInverter::Step::disconnect};
  const Regs r({1, 50});
  ReadPolicy policy;
  policy.retries = 0;
  policy.now = [&now] { return now; };
  const auto out = read_registers(device, r.ptrs, 0, policy);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.words.at(r.ptrs[1]), std::vector<uint16_t>{55});
  EXPECT_EQ(out.retries, 1);
  EXPECT_EQ(device.connects.size(), 2u);
}

TEST(Reader, BudgetIsAPeriodOrTwoTimeouts) {
  EXPECT_EQ(read_budget(Seconds(10), std::chrono::milliseconds(5000)),
            std::chrono::milliseconds(10000));
  EXPECT_EQ(read_budget(Seconds(1), std::chrono::milliseconds(5000)),
            std::chrono::milliseconds(10000));
  EXPECT_EQ(read_budget(Seconds(30), std::chrono::milliseconds(1000)),
            std::chrono::milliseconds(30000));
}

}  // namespace
}  // namespace mtec
