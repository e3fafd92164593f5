// Outage: first failure, summaries every 5 minutes, recovery length.
// SessionWatch: short sessions in a row raise the hint once.
#include <gtest/gtest.h>

#include "mtec/base/outage.hpp"

namespace mtec {
namespace {

using std::chrono::seconds;
const TimePoint outage_t0{};

TEST(Outage, FirstFailureThenSummariesThenRecovery) {
  Outage o;
  EXPECT_EQ(o.failed(outage_t0), Outage::Say::first);
  EXPECT_EQ(o.failed(outage_t0 + seconds(60)), Outage::Say::quiet);
  EXPECT_EQ(o.failed(outage_t0 + seconds(299)), Outage::Say::quiet);
  EXPECT_EQ(o.failed(outage_t0 + seconds(300)), Outage::Say::summary);
  EXPECT_EQ(o.failed(outage_t0 + seconds(400)), Outage::Say::quiet);
  EXPECT_EQ(o.failed(outage_t0 + seconds(600)), Outage::Say::summary);
  EXPECT_EQ(o.attempts(), 6u);
  EXPECT_EQ(o.length(outage_t0 + seconds(610)), seconds(610));
  EXPECT_EQ(o.recovered(outage_t0 + seconds(620)), seconds(620));
  EXPECT_FALSE(o.down());
  EXPECT_EQ(o.recovered(outage_t0 + seconds(630)), Duration::zero());
  EXPECT_EQ(o.failed(outage_t0 + seconds(700)), Outage::Say::first);  // a new outage
  EXPECT_EQ(o.attempts(), 1u);
}

TEST(SessionWatch, ThreeShortSessionsInARowHintOnce) {
  SessionWatch w;
  auto t = outage_t0;
  for (int i = 1; i <= 5; ++i) {
    w.accepted(t);
    t += seconds(1);
    EXPECT_EQ(w.closed(t), i == 3) << i;
    EXPECT_FALSE(w.last_lasted());
    t += seconds(1);
  }
}

TEST(SessionWatch, ABrokerThatRestartsIsNoTakeover) {
  SessionWatch w;
  auto t = outage_t0;
  for (int i = 0; i < 10; ++i) {  // a few seconds of service, then the broker is down
    w.accepted(t);
    EXPECT_FALSE(w.closed(t += seconds(4)));
    EXPECT_FALSE(w.takeover_suspected());
    w.connect_failed();  // refused while it restarts
    t += seconds(3);
  }
  for (int i = 1; i <= 3; ++i) {  // then sessions taken over at once, accepted at once
    w.accepted(t);
    EXPECT_EQ(w.closed(t += seconds(1)), i == 3);
  }
  EXPECT_TRUE(w.takeover_suspected());
  w.connect_failed();
  EXPECT_FALSE(w.takeover_suspected());
}

TEST(SessionWatch, TheBrokerSayingTakenOverIsCertainAtOnce) {
  SessionWatch w;
  w.accepted(outage_t0);
  EXPECT_TRUE(w.taken_over());
  EXPECT_TRUE(w.takeover_suspected());
  w.accepted(outage_t0 + seconds(5));
  EXPECT_FALSE(w.taken_over());  // the hint once
  w.connect_failed();
  EXPECT_FALSE(w.takeover_suspected());
}

TEST(SessionWatch, ALongSessionStartsOver) {
  SessionWatch w;
  auto t = outage_t0;
  for (int i = 0; i < 2; ++i) {
    w.accepted(t);
    EXPECT_FALSE(w.closed(t += seconds(2)));
  }
  w.accepted(t);
  EXPECT_FALSE(w.closed(t += seconds(60)));  // lasted: the count starts over
  EXPECT_TRUE(w.last_lasted());
  for (int i = 1; i <= 3; ++i) {
    w.accepted(t);
    EXPECT_EQ(w.closed(t += seconds(2)), i == 3);
  }
  EXPECT_FALSE(w.closed(t += seconds(2)));  // no session open: nothing to count
}

}  // namespace
}  // namespace mtec
