// The follow loop against a scripted device and a fake clock: first data at
// once, groups at their intervals, an outage told once and its end, the
// heartbeat while idle, control requests between cycles. No sockets, no
// real time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <variant>

#include "captured_log.hpp"
#include "golden.hpp"
#include "mtec/inverter/follow.hpp"
#include "scripted_inverter.hpp"

namespace mtec::follow_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::ScriptedInverter;

// The waits between reads on a fake clock: each wait moves the clock to its
// end, or to the first scripted event before it (something happens to the
// device, a control request, the stop signal).
class ScriptedWait final : public FollowWaiter {
 public:
  explicit ScriptedWait(TimePoint& now) : now_(now) {}
  void at(TimePoint t, std::function<void()> what) { events_.emplace(t, std::move(what)); }
  void request(TimePoint t, const std::string& line) { events_.emplace(t, line); }
  void stop_at(TimePoint t) { events_.emplace(t, Stop{}); }

  std::vector<TimePoint> waits;         // each wait's `until`
  std::vector<nlohmann::json> replies;  // to the control requests

  Woke wait(TimePoint until, const Handler& handle) override {
    waits.push_back(until);
    if (waits.size() > 100000) return Woke::stop;  // a loop that never ends fails the test
    if (events_.empty() || events_.begin()->first > until) {
      now_ = std::max(now_, until);
      return Woke::due;
    }
    auto node = events_.extract(events_.begin());
    now_ = std::max(now_, node.key());
    auto& e = node.mapped();
    if (std::holds_alternative<Stop>(e)) return Woke::stop;
    if (auto* what = std::get_if<std::function<void()>>(&e)) {
      (*what)();
      return Woke::early;
    }
    const auto req = control::parse_control_request(std::get<std::string>(e));
    replies.push_back(handle(std::get<control::ControlRequest>(req)));
    return Woke::early;
  }
  bool clients() const override { return false; }
  void close_idle(TimePoint) override {}

 private:
  struct Stop {};
  TimePoint& now_;
  std::multimap<TimePoint, std::variant<Stop, std::function<void()>, std::string>> events_;
};

const TimePoint follow_t0{};
TimePoint at(double s) {
  return follow_t0 +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(s));
}

struct Written {
  TimePoint at;
  Frame frame;
};

// A follow loop on a scripted inverter whose serial is "SN1234AB".
struct FollowRig {
  TimePoint now = follow_t0;
  ScriptedInverter device{now};
  ScriptedWait waiter{now};
  Settings settings;
  test::CapturedLog captured{"mtec-read"};
  const Logger& log = captured.log;
  Metrics metrics{"", "mtec-read"};
  std::vector<Written> frames;
  std::vector<size_t> batches;  // the frames of each write

  FollowRig() { device.set_text(kSerialAddress, "SN1234AB", 8); }

  void run(HeartbeatSender& beat) {
    Follower f(
        {test::project_catalog(), settings, log, false}, device, waiter, beat, metrics,
        [this](const std::vector<Frame>& batch) {
          for (const auto& fr : batch) frames.push_back({now, fr});
          batches.push_back(batch.size());
          return true;
        },
        [] { return 0.5; },  // no jitter
        {[this] { return now; },
         [this] {
           return std::chrono::system_clock::time_point(
               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                   now.time_since_epoch()));
         }});
    f.run();
  }
  void run() {
    HeartbeatSender none("mtec-read", "");
    run(none);
  }
  // Runs until `stop` with one control request `line` at `t`; its reply.
  nlohmann::json control(double t, const std::string& line, double stop) {
    waiter.request(at(t), line);
    waiter.stop_at(at(stop));
    run();
    EXPECT_EQ(waiter.replies.size(), 1u);
    return waiter.replies.empty() ? nlohmann::json() : waiter.replies[0];
  }
  std::string logged() const { return captured.text(); }
  // The groups written at `t`, in order.
  std::vector<std::string> groups_at(TimePoint t) const {
    std::vector<std::string> out;
    for (const auto& w : frames)
      if (w.at == t) out.emplace_back(group_name(w.frame.group));
    return out;
  }
  // When frames of `group` were written, in seconds.
  std::vector<double> times_of(const std::string& group) const {
    std::vector<double> out;
    for (const auto& w : frames)
      if (group_name(w.frame.group) == group)
        out.push_back(std::chrono::duration<double>(w.at - follow_t0).count());
    return out;
  }
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

using Groups = std::vector<std::string>;
using Times = std::vector<double>;

TEST(Follower, FirstCycleReadsAtOnceStaticFrameFirstThenEveryGroupDue) {
  FollowRig rig;
  rig.waiter.stop_at(at(1));
  rig.run();
  EXPECT_EQ(rig.groups_at(follow_t0),
            (Groups{"static", "now-base", "config", "now-grid", "day", "total"}));
  EXPECT_EQ(rig.frames.size(), 6u);
  // the static frame on its own, the cycle's frames in one write
  EXPECT_EQ(rig.batches, (std::vector<size_t>{1, 5}));
  for (const auto& w : rig.frames) EXPECT_EQ(w.frame.serial, "SN1234AB");
  EXPECT_EQ(rig.device.connects, std::vector<TimePoint>{follow_t0});
  EXPECT_NE(rig.logged().find("notice: inverter inverter.test:502 (unit 247, tcp framing): serial "
                              "SN1234AB"),
            std::string::npos)
      << rig.logged();
}

TEST(Follower, GroupsAreReadAtTheirIntervalsOnAFixedGrid) {
  FollowRig rig;
  rig.waiter.stop_at(at(65));
  rig.run();
  EXPECT_EQ(rig.times_of("now-base"), (Times{0, 10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(rig.times_of("config"), (Times{0, 30, 60}));
  // one secondary group an iteration, round robin
  EXPECT_EQ(rig.times_of("now-grid"), (Times{0, 50}));
  EXPECT_EQ(rig.times_of("now-inverter"), (Times{10, 60}));
  EXPECT_EQ(rig.times_of("now-backup"), (Times{20}));
  EXPECT_EQ(rig.times_of("now-battery"), (Times{30}));
  EXPECT_EQ(rig.times_of("now-pv"), (Times{40}));
  EXPECT_EQ(rig.times_of("day"), (Times{0}));
  EXPECT_EQ(rig.times_of("total"), (Times{0}));
  EXPECT_EQ(rig.times_of("static"), (Times{0}));
}

TEST(Follower, NoFramesWhileTheSerialCannotBeATopicLevelRetriedEveryTenSeconds) {
  FollowRig rig;
  rig.device.set_text(kSerialAddress, "SN/12", 8);
  rig.waiter.at(at(15), [&] { rig.device.set_text(kSerialAddress, "SN1234AB", 8); });
  rig.waiter.stop_at(at(25));
  rig.run();
  EXPECT_EQ(rig.times_of("static"), (Times{20}));
  EXPECT_EQ(rig.groups_at(at(20)),
            (Groups{"static", "now-base", "config", "now-grid", "day", "total"}));
  const std::string log = rig.logged();
  // told once, the retry at 10 s summed up
  EXPECT_EQ(count_of(log, "warning: the serial number 'SN/12' is not a valid topic level"), 2u)
      << log;
  EXPECT_NE(log.find("retrying (1 more time)"), std::string::npos) << log;
  EXPECT_EQ(rig.device.reads.front().second, kSerialAddress);
}

TEST(Follower, AnOutageIsToldOnceBacksOffAndItsEndIsToldWithFramesAgain) {
  FollowRig rig;
  rig.waiter.at(at(15), [&] { rig.device.unplug(); });
  rig.waiter.at(at(50), [&] { rig.device.plug_in(); });
  rig.waiter.stop_at(at(75));
  rig.run();
  const std::string log = rig.logged();
  EXPECT_EQ(count_of(log, "warning: "), 1u) << log;
  EXPECT_NE(log.find("warning: lost the inverter reading now-base, now-backup: "
                     "inverter.test:502: connection refused; 7 more requests without data; "
                     "retrying with backoff"),
            std::string::npos)
      << log;
  // the connection lost at 20 s (the reconnect within the read refused),
  // then the backoff: 1, 2, 4, 8 s, and the breaker open for 30 s after 5
  // failures in a row
  std::vector<double> connects;
  for (const auto& c : rig.device.connects)
    connects.push_back(std::chrono::duration<double>(c - follow_t0).count());
  EXPECT_EQ(connects, (Times{0, 20, 21, 23, 27, 35, 65})) << log;
  EXPECT_NE(log.find("notice: connected to inverter.test:502 again after 45 s"), std::string::npos)
      << log;
  // nothing while it was gone; back: the static frame first, then the cycle
  EXPECT_EQ(rig.times_of("now-base"), (Times{0, 10, 65, 70}));
  EXPECT_EQ(rig.groups_at(at(65)).front(), "static");
}

TEST(Follower, TimeoutsAreRetriedWithinTheCycleWithoutAnOutage) {
  FollowRig rig;
  rig.waiter.at(at(5), [&] {
    rig.device.script = {ScriptedInverter::Step::timeout, ScriptedInverter::Step::timeout};
  });
  rig.waiter.stop_at(at(15));
  rig.run();
  EXPECT_EQ(rig.times_of("now-base"), (Times{0, 10}));
  for (const auto& w : rig.frames) EXPECT_TRUE(w.frame.errors.empty()) << group_name(w.frame.group);
  EXPECT_EQ(rig.logged().find("warning"), std::string::npos) << rig.logged();
}

// A FIFO like mtec2mqtt's heartbeat, read without blocking.
struct Fifo {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mtec-follow-test-" + std::to_string(::getpid()));
  std::string path = (dir / "heartbeat").string();
  int fd = -1;
  Fifo() {
    std::filesystem::create_directories(dir);
    ::mkfifo(path.c_str(), 0600);
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
  }
  ~Fifo() {
    ::close(fd);
    std::filesystem::remove_all(dir);
  }
  std::string drain() const {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

TEST(Follower, HeartbeatsAtTheirIntervalWhileIdleBetweenReads) {
  Fifo fifo;
  ASSERT_GE(fifo.fd, 0);
  FollowRig rig;
  rig.settings.refresh_now = Seconds(60);
  rig.waiter.stop_at(at(59));
  HeartbeatSender beat("mtec-read", fifo.path, seconds(5));
  rig.run(beat);
  EXPECT_EQ(count_of(fifo.drain(), "mtec-read ok\n"), 12u);  // at 0, 5, ..., 55 s
  // the waits end at each beat, the last at the next read
  std::vector<double> waits;
  for (const auto& w : rig.waiter.waits)
    waits.push_back(std::chrono::duration<double>(w - follow_t0).count());
  EXPECT_EQ(waits, (Times{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60}));
}

TEST(Follower, TheHeartbeatTellsAnOutage) {
  Fifo fifo;
  ASSERT_GE(fifo.fd, 0);
  FollowRig rig;
  rig.waiter.at(at(5), [&] { rig.device.unplug(); });
  rig.waiter.stop_at(at(12));
  HeartbeatSender beat("mtec-read", fifo.path, seconds(5));
  rig.run(beat);
  const std::string beats = fifo.drain();
  EXPECT_EQ(beats.rfind("mtec-read ok\n", 0), 0u) << beats;
  EXPECT_NE(beats.find("mtec-read inverter unreachable since "), std::string::npos) << beats;
}

TEST(Follower, AControlWriteIsExecutedBetweenCyclesAndReadBack) {
  FollowRig rig;
  const auto reply = rig.control(5, R"({"op":"write","address":50000,"words":[258]})", 15);
  EXPECT_EQ(reply, nlohmann::json::parse(
                       R"({"ok":true,"address":50000,"words":[258],"read_back":[258]})"));
  ASSERT_EQ(rig.device.writes.size(), 1u);
  EXPECT_EQ(rig.device.writes[0].first, 50000);
  // the read back at 5 s, between the cycles at 0 and 10 s
  size_t at_5 = 0;
  for (const auto& [t, start] : rig.device.reads)
    if (t == at(5)) ++at_5;
  EXPECT_EQ(at_5, 1u);
  EXPECT_EQ(rig.times_of("now-base"), (Times{0, 10}));  // the schedule goes on
  EXPECT_NE(rig.logged().find("control: wrote [258] to 50000, read back [258]"), std::string::npos)
      << rig.logged();
}

TEST(Follower, AControlWriteOfAReadOnlyRegisterIsRefusedAndNotSent) {
  FollowRig rig;
  const auto reply = rig.control(5, R"({"op":"write","address":10000,"words":[1]})", 6);
  EXPECT_EQ(reply["class"], "no-permission");  // the class mtec-write maps to exit 77
  EXPECT_TRUE(rig.device.writes.empty());
  EXPECT_NE(rig.logged().find("control: refused a write"), std::string::npos) << rig.logged();
}

TEST(Follower, EndsWhenTheFramesReaderIsGone) {
  FollowRig rig;
  rig.waiter.stop_at(at(3600));
  HeartbeatSender none("mtec-read", "");
  size_t writes = 0;  // the static frame's, then the cycle's: its reader has gone
  Follower f(
      {test::project_catalog(), rig.settings, rig.log, false}, rig.device, rig.waiter, none,
      rig.metrics, [&](const std::vector<Frame>&) { return ++writes < 2; }, [] { return 0.5; },
      {[&rig] { return rig.now; }, [] { return std::chrono::system_clock::now(); }});
  f.run();
  EXPECT_EQ(writes, 2u);
  EXPECT_EQ(rig.now, follow_t0);  // no wait for a next cycle
}

}  // namespace
}  // namespace mtec::follow_test
