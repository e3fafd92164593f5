// WriteQueue: last value wins per register, one write per interval, held
// registers wait; time is passed in.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/inverter/write_queue.hpp"

namespace mtec {
namespace {

using std::chrono::seconds;

QueuedCommand cmd(const std::string& key, const std::string& value, uint64_t seq) {
  return {encode_write(test::project_catalog(), key, value), std::nullopt, seq};
}

TEST(WriteQueue, TheFirstCommandIsDueAtOnceAndTheNewestWinsInsideTheInterval) {
  WriteQueue q(seconds(5));
  const TimePoint t0{seconds(100)};
  EXPECT_FALSE(q.next_due());
  EXPECT_FALSE(q.put(cmd("charge_limit", "20", 1)));
  EXPECT_EQ(q.next_due(), TimePoint::min());
  auto c = q.take_due(t0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->write.requested, "20");
  q.started(c->address(), t0);
  EXPECT_FALSE(q.put(cmd("charge_limit", "21", 2)));
  const auto replaced = q.put(cmd("charge_limit", "22", 3));
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->write.requested, "21");
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_FALSE(q.take_due(t0 + seconds(4)));
  EXPECT_EQ(q.next_due(), t0 + seconds(5));
  c = q.take_due(t0 + seconds(5));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->write.requested, "22");
  EXPECT_EQ(q.pending(), 0u);
}

TEST(WriteQueue, RegistersArePacedApartAndTakenInArrivalOrder) {
  WriteQueue q(seconds(5));
  const TimePoint t0{seconds(100)};
  q.put(cmd("mode", "Economic mode", 2));
  q.put(cmd("charge_limit", "20", 1));
  EXPECT_EQ(q.take_due(t0)->write.reg->mqtt, "charge_limit");
  EXPECT_EQ(q.take_due(t0)->write.reg->mqtt, "mode");
}

TEST(WriteQueue, AHeldRegisterWaitsUntilReleased) {
  WriteQueue q(seconds(0));
  const TimePoint t0{seconds(100)};
  const auto address = *cmd("charge_limit", "20", 1).write.reg->address;
  q.hold(address);
  q.put(cmd("charge_limit", "20", 1));
  EXPECT_TRUE(q.held(address));
  EXPECT_FALSE(q.take_due(t0));
  EXPECT_FALSE(q.next_due());
  q.release(address);
  EXPECT_TRUE(q.take_due(t0));
}

TEST(WriteQueue, TakeIfRemovesWhatMatches) {
  WriteQueue q(seconds(5));
  q.put(cmd("charge_limit", "20", 1));
  q.put(cmd("mode", "Economic mode", 2));
  const auto taken = q.take_if([](const QueuedCommand& c) { return c.seq == 2; });
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].write.reg->mqtt, "mode");
  EXPECT_EQ(q.pending(), 1u);
}

}  // namespace
}  // namespace mtec
