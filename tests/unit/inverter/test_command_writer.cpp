// CommandWriter against a fake RegisterIO and injected time: unchanged
// writes skipped, last value wins per interval, expiry, unknown outcomes
// read back, nothing written retried; and refuse_write's catalog rule.
#include <gtest/gtest.h>

#include <deque>
#include <map>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/inverter/command_writer.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Registers in a map; each call may be scripted to fail.
struct FakeIO : control::RegisterIO {
  enum class Fail { none, refused, timeout_unknown, exception };
  std::map<uint16_t, std::vector<uint16_t>> regs;
  std::deque<Fail> read_fails, write_fails;
  int writes = 0, reads = 0;
  bool apply_unknown = true;  // a write that times out was applied by the device

  static void fail(Fail f, bool write) {
    switch (f) {
      case Fail::none: return;
      case Fail::refused: throw Error(ErrorClass::unavailable, "connection refused");
      case Fail::exception: throw modbus::ModbusError(ErrorClass::unavailable, "exception", 2);
      case Fail::timeout_unknown:
        if (write) throw control::OutcomeUnknown(ErrorClass::temp_fail, "no reply within 1000 ms");
        throw Error(ErrorClass::temp_fail, "no reply within 1000 ms");
    }
  }
  static Fail next(std::deque<Fail>& q) {
    if (q.empty()) return Fail::none;
    const Fail f = q.front();
    q.pop_front();
    return f;
  }
  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    ++reads;
    fail(next(read_fails), false);
    auto w = regs[address];
    w.resize(count);
    return w;
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address, const std::vector<uint16_t>& words,
                                            bool) override {
    const Fail f = next(write_fails);
    if (f == Fail::timeout_unknown && apply_unknown) regs[address] = words;
    fail(f, true);
    ++writes;
    regs[address] = words;
    return words;
  }
  std::string describe() const override { return "fake"; }
};

struct WriterRig {
  FakeIO io;
  Logger log{"t", Logger::Format::text, false, stderr};
  Metrics metrics{"", "mtec-write"};
  std::vector<nlohmann::json> results;
  WriteRules rules{milliseconds(5000), milliseconds(30000)};
  CommandWriter w{io,
                  rules,
                  log,
                  metrics,
                  [this](const nlohmann::json& j) { results.push_back(j); },
                  [] { return 0.5; }};
  Clocks now{TimePoint{seconds(1000)}, WallTime{seconds(1'800'000'000)}};
  uint64_t seq = 0;

  WriterRig() { log.set_threshold(Level::error); }
  void offer(const std::string& key, const std::string& value,
             std::optional<WallTime> ts = std::nullopt) {
    w.offer({encode_write(test::project_catalog(), key, value), ts ? ts : now.wall, ++seq}, now);
    w.run(now);
  }
  void advance(milliseconds d) {
    now.steady += d;
    now.wall += d;
    w.run(now);
  }
  std::string outcome(size_t i) const { return results.at(i).value("outcome", ""); }
  uint16_t address(const std::string& key) const {
    return *test::project_catalog().find(key)->address;
  }
  // the value of series `name{labels}` ("" when there is none)
  std::string metric(const std::string& name_labels) const {
    const auto brace = name_labels.find('{');
    const std::string needle =
        name_labels.substr(0, brace + 1) + "tool=\"mtec-write\"," + name_labels.substr(brace + 1);
    const auto text = metrics.render();
    const auto at = text.find(needle);
    if (at == std::string::npos) return "";
    const auto end = text.find('\n', at);
    return text.substr(at + needle.size() + 1, end - at - needle.size() - 1);
  }
};

TEST(CommandWriter, AWriteThatChangesNothingIsSkipped) {
  WriterRig r;
  r.io.regs[r.address("charge_limit")] =
      encode_write(test::project_catalog(), "charge_limit", "20").words;
  r.offer("charge_limit", "20");
  EXPECT_EQ(r.io.writes, 0);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.outcome(0), "unchanged");
  EXPECT_TRUE(r.results[0]["ok"].get<bool>());
  EXPECT_EQ(r.metric("mtec_writes_skipped_total{reason=\"unchanged\"}"), "1");
}

TEST(CommandWriter, ASliderDragEndsInOneWriteOfItsFinalValue) {
  WriterRig r;
  for (int v = 10; v <= 30; ++v) r.offer("charge_limit", std::to_string(v));
  EXPECT_EQ(r.io.writes, 1);  // the first at once
  EXPECT_EQ(r.w.next_work(), r.now.steady + milliseconds(5000));
  r.advance(milliseconds(4999));
  EXPECT_EQ(r.io.writes, 1);
  r.advance(milliseconds(1));
  EXPECT_EQ(r.io.writes, 2);
  EXPECT_EQ(r.io.regs[r.address("charge_limit")],
            encode_write(test::project_catalog(), "charge_limit", "30").words);
  EXPECT_EQ(r.metric("mtec_writes_skipped_total{reason=\"superseded\"}"), "19");
  EXPECT_TRUE(r.w.idle());
  EXPECT_FALSE(r.w.next_work());
}

TEST(CommandWriter, IdenticalCommandsWriteOnce) {
  WriterRig r;
  for (int i = 0; i < 1000; ++i) {
    r.offer("charge_limit", "20");
    r.advance(milliseconds(10));
  }
  r.advance(milliseconds(10000));
  EXPECT_EQ(r.io.writes, 1);
}

TEST(CommandWriter, AnExpiredCommandIsNeverApplied) {
  WriterRig r;
  r.offer("charge_limit", "20", r.now.wall - seconds(31));
  EXPECT_EQ(r.io.writes, 0);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.outcome(0), "expired");
  EXPECT_EQ(r.metric("mtec_writes_skipped_total{reason=\"expired\"}"), "1");
  // one that expires while it waits for its interval
  r.offer("mode", "Economic mode");
  WriterRig longer;
  longer.offer("charge_limit", "20");
  longer.offer("charge_limit", "21", longer.now.wall - seconds(28));
  longer.advance(seconds(5));
  EXPECT_EQ(longer.io.writes, 1);
  EXPECT_EQ(longer.outcome(1), "expired");
}

TEST(CommandWriter, AnUnknownOutcomeIsReadBackWhenTheInverterAnswersAgain) {
  WriterRig r;
  r.io.write_fails = {FakeIO::Fail::timeout_unknown};
  r.io.read_fails = {FakeIO::Fail::none, FakeIO::Fail::refused, FakeIO::Fail::refused};
  r.offer("charge_limit", "20");
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.outcome(0), "unknown");
  EXPECT_EQ(r.metric("mtec_writes_total{result=\"unknown\"}"), "1");
  r.offer("charge_limit", "25");  // waits: its register's last outcome is open
  r.advance(seconds(1));          // read back refused
  r.advance(seconds(2));          // refused again
  EXPECT_EQ(r.results.size(), 1u);
  r.advance(seconds(4));  // answers: the first was applied
  ASSERT_GE(r.results.size(), 2u);
  EXPECT_EQ(r.outcome(1), "applied");
  EXPECT_EQ(r.io.writes, 1);  // never retried
  r.advance(seconds(5));      // and then the newer command
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_EQ(r.results[2]["requested"], "25");
  EXPECT_EQ(r.outcome(2), "applied");
}

TEST(CommandWriter, AnUnknownOutcomeThatWasNotAppliedIsToldSo) {
  WriterRig r;
  r.io.apply_unknown = false;
  r.io.write_fails = {FakeIO::Fail::timeout_unknown};
  r.offer("charge_limit", "20");
  r.advance(seconds(2));
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.outcome(1), "not applied");
  EXPECT_FALSE(r.results[1]["ok"].get<bool>());
}

TEST(CommandWriter, NothingWrittenIsTriedAgainUntilItExpires) {
  WriterRig r;
  r.io.read_fails.assign(100, FakeIO::Fail::refused);
  r.offer("charge_limit", "20");
  EXPECT_TRUE(r.results.empty());
  for (int i = 0; i < 40; ++i) r.advance(seconds(1));
  EXPECT_EQ(r.io.writes, 0);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.outcome(0), "expired");
  EXPECT_LT(r.io.reads, 12);  // backoff, not a read per second
  WriterRig back;
  back.io.read_fails = {FakeIO::Fail::refused};
  back.offer("charge_limit", "20");
  back.advance(seconds(6));
  ASSERT_EQ(back.results.size(), 1u);
  EXPECT_EQ(back.outcome(0), "applied");
}

TEST(CommandWriter, EachUnknownOutcomeIsToldOnceAndAllDueCommandsGoAfterARecovery) {
  WriterRig r;
  r.io.write_fails = {FakeIO::Fail::timeout_unknown, FakeIO::Fail::timeout_unknown};
  r.offer("charge_limit", "20");
  r.advance(seconds(3));  // read back: applied
  r.offer("discharge_limit", "20");
  ASSERT_EQ(r.results.size(), 3u);
  r.io.read_fails = {FakeIO::Fail::refused};
  r.advance(seconds(3));  // its read-back refused
  r.advance(seconds(5));  // and then answered
  int told = 0;
  for (const auto& j : r.results) told += j["key"] == "charge_limit" && j["outcome"] == "applied";
  EXPECT_EQ(told, 1);
  // nothing written, then three registers due at once: all go when it answers
  WriterRig q;
  q.io.read_fails = {FakeIO::Fail::refused};
  q.offer("charge_limit", "20");
  q.offer("discharge_limit", "20");
  q.offer("mode", "Economic mode");
  q.advance(seconds(6));
  EXPECT_EQ(q.io.writes, 3);
}

TEST(CommandWriter, AnExceptionReplyIsAnAnswerNotRetried) {
  WriterRig r;
  r.io.write_fails = {FakeIO::Fail::exception};
  r.offer("charge_limit", "20");
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.outcome(0), "failed");
  r.advance(seconds(60));
  EXPECT_EQ(r.results.size(), 1u);
  EXPECT_TRUE(r.w.idle());
}

TEST(CommandWriter, AbandonTellsWhatIsLeft) {
  WriterRig r;
  r.offer("charge_limit", "20");
  r.offer("charge_limit", "21");
  r.w.abandon("stopped");
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.outcome(1), "not applied");
  EXPECT_TRUE(r.w.idle());
}

TEST(RefuseWrite, OnlyWritableRegistersWithValuesTheyTake) {
  const auto& c = test::project_catalog();
  const uint16_t mode = *c.find("mode")->address;
  EXPECT_FALSE(refuse_write(c, mode, {258}, false));
  EXPECT_TRUE(refuse_write(c, mode, {0xFFFF}, false));
  EXPECT_FALSE(refuse_write(c, mode, {0xFFFF}, true));  // raw: experts
  EXPECT_TRUE(refuse_write(c, mode, {258, 1}, true));   // one word only
  const auto ro = refuse_write(c, 10000, {1}, true);    // the serial
  ASSERT_TRUE(ro);
  EXPECT_NE(ro->find("read-only"), std::string::npos) << *ro;
  EXPECT_TRUE(refuse_write(c, 1, {1}, true));  // no register
  const uint16_t limit = *c.find("on_grid_soc_limit")->address;
  EXPECT_FALSE(refuse_write(c, limit, {1000}, false));  // 100.0 %
  EXPECT_TRUE(refuse_write(c, limit, {1001}, false));
}

}  // namespace
}  // namespace mtec
