// Heartbeats: senders rate-limited, the monitor tells who was heard since
// when; through a real FIFO.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "mtec/base/heartbeat.hpp"

namespace mtec {
namespace {

using std::chrono::milliseconds;
const TimePoint beat_t0{std::chrono::seconds(100)};

TEST(HeartbeatMonitor, EveryStageHeardSinceATime) {
  HeartbeatMonitor m({"mtec-read", "mtec-calc"});
  EXPECT_FALSE(m.all_started());
  m.heard("mtec-read ok", beat_t0);
  m.heard("mtec-bogus ok", beat_t0);
  EXPECT_FALSE(m.all_started());
  m.heard("mtec-calc ok", beat_t0 + milliseconds(100));
  EXPECT_TRUE(m.all_started());
  EXPECT_TRUE(m.all_heard_since(beat_t0 - milliseconds(1)));
  EXPECT_FALSE(m.all_heard_since(beat_t0));  // mtec-read's beat is not after beat_t0
  m.heard("mtec-read inverter unreachable since 12:00:01", beat_t0 + milliseconds(600));
  EXPECT_TRUE(m.all_heard_since(beat_t0 + milliseconds(50)));
  EXPECT_EQ(m.state("mtec-read"), "inverter unreachable since 12:00:01");
  EXPECT_EQ(m.silent(milliseconds(2000), beat_t0 + milliseconds(2200)),
            std::vector<std::string>{"mtec-calc"});
}

TEST(HeartbeatInterval, AnEighthOfTheWatchdogBetweenHalfASecondAndFive) {
  EXPECT_EQ(heartbeat_interval("120000000"), milliseconds(5000));  // WatchdogSec=120
  EXPECT_EQ(heartbeat_interval("5000000"), milliseconds(625));     // the tests' WatchdogSec=5
  EXPECT_EQ(heartbeat_interval("1000000"), milliseconds(500));
  EXPECT_EQ(heartbeat_interval("20000000"), milliseconds(2500));
  // no watchdog, or not a number of microseconds: the longest
  for (const char* v : {static_cast<const char*>(nullptr), "", "0", "-5000000", "5s", "1e6",
                        "99999999999999999999999"})
    EXPECT_EQ(heartbeat_interval(v), milliseconds(5000)) << (v ? v : "(unset)");
}

TEST(ServiceNotifier, ReadyWhenEveryStageRunsWatchdogWhileAllTurnStatusOnChange) {
  std::vector<std::string> sent;
  ServiceNotifier n(
      {"mtec-read", "mtec-calc"},
      [&](const std::string& s) {
        sent.push_back(s);
        return true;
      },
      milliseconds(500));
  n.tick(beat_t0, "waiting for the first values");
  EXPECT_TRUE(sent.empty());  // not every stage runs its loop yet
  n.monitor().heard("mtec-read inverter unreachable since 12:00:00", beat_t0);
  n.monitor().heard("mtec-calc ok", beat_t0);
  n.tick(beat_t0 + milliseconds(10), "inverter unreachable since 12:00:00");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], "READY=1\nSTATUS=inverter unreachable since 12:00:00");
  // both keep turning: fed every interval, however long the outage
  for (int i = 1; i <= 20; ++i) {
    const auto t = beat_t0 + milliseconds(10 + 500 * i);
    n.monitor().heard("mtec-read inverter unreachable since 12:00:00", t - milliseconds(5));
    n.monitor().heard("mtec-calc ok", t - milliseconds(5));
    n.tick(t, "inverter unreachable since 12:00:00");
  }
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "WATCHDOG=1"), 20);
  // mtec-calc hangs: no more feeding
  const auto hang = beat_t0 + milliseconds(10 + 500 * 20);
  for (int i = 1; i <= 10; ++i) {
    n.monitor().heard("mtec-read ok", hang + milliseconds(500 * i - 5));
    n.tick(hang + milliseconds(500 * i), "publishing");
  }
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "WATCHDOG=1"), 20);
  EXPECT_TRUE(n.withheld());
  EXPECT_EQ(sent.back(), "STATUS=publishing");
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "STATUS=publishing"), 1);
}

TEST(ServiceNotifier, OnItsOwnItIsReadyAtOnce) {
  std::vector<std::string> sent;
  ServiceNotifier n({}, [&](const std::string& s) {
    sent.push_back(s);
    return true;
  });
  n.tick(beat_t0, "publishing");
  n.tick(beat_t0 + milliseconds(4900), "publishing");  // the default interval: 5 s
  n.tick(beat_t0 + milliseconds(5000), "publishing");
  EXPECT_EQ(sent, (std::vector<std::string>{"READY=1\nSTATUS=publishing", "WATCHDOG=1"}));
}

TEST(Heartbeat, ThroughAFifoRateLimitedAndOnChange) {
  const auto path =
      (std::filesystem::temp_directory_path() / ("mtec-hb-" + std::to_string(::getpid()) + ".fifo"))
          .string();
  ::unlink(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  HeartbeatReader reader(path);
  HeartbeatSender sender("mtec-read", path, milliseconds(500));
  EXPECT_TRUE(sender.enabled());
  HeartbeatMonitor m({"mtec-read"});
  EXPECT_EQ(sender.due_in_ms(beat_t0), 0);
  sender.beat(beat_t0);
  EXPECT_EQ(sender.due_in_ms(beat_t0 + milliseconds(100)), 400);
  reader.drain(m, beat_t0);
  EXPECT_TRUE(m.all_started());
  sender.beat(beat_t0 + milliseconds(100));  // too soon: nothing
  reader.drain(m, beat_t0 + milliseconds(100));
  EXPECT_FALSE(m.all_heard_since(beat_t0));
  sender.beat(beat_t0 + milliseconds(200), "inverter unreachable");  // a change goes at once
  reader.drain(m, beat_t0 + milliseconds(200));
  EXPECT_TRUE(m.all_heard_since(beat_t0));
  EXPECT_EQ(m.state("mtec-read"), "inverter unreachable");
  ::unlink(path.c_str());
  HeartbeatSender off("mtec-calc", "");
  EXPECT_FALSE(off.enabled());
  off.beat(beat_t0);
  EXPECT_EQ(off.due_in_ms(beat_t0), -1);
}

}  // namespace
}  // namespace mtec
