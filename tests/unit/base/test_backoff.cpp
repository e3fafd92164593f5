// Backoff and circuit breaker with an injected random source and clock.
#include <gtest/gtest.h>

#include "mtec/base/backoff.hpp"

namespace mtec {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesFromOneSecondUpToSixtyWithoutJitterAtMidpoint) {
  Backoff b([] { return 0.5; });
  std::vector<long> got;
  for (int i = 0; i < 9; ++i) got.push_back(b.next().count());
  EXPECT_EQ(got, (std::vector<long>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
  b.reset();
  EXPECT_EQ(b.next().count(), 1000);
}

TEST(Backoff, JitterStaysWithin25Percent) {
  Backoff low([] { return 0.0; });
  Backoff high([] { return 0.999999; });
  EXPECT_EQ(low.next().count(), 750);
  EXPECT_EQ(high.next().count(), 1250);
  for (int i = 0; i < 10; ++i) {
    low.next();
    high.next();
  }
  EXPECT_EQ(low.next().count(), 45000);
  EXPECT_EQ(high.next().count(), 75000);
}

TEST(CircuitBreaker, OpensAfterFiveFailuresProbesAfterThirtySeconds) {
  CircuitBreaker cb;
  const TimePoint t0{};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(cb.allow(t0));
    cb.record_failure(t0);
  }
  EXPECT_EQ(cb.state(), CircuitBreaker::State::closed);
  cb.record_failure(t0);
  EXPECT_EQ(cb.state(), CircuitBreaker::State::open);
  EXPECT_FALSE(cb.allow(t0 + seconds(29)));
  EXPECT_TRUE(cb.allow(t0 + seconds(30)));  // the probe
  EXPECT_EQ(cb.state(), CircuitBreaker::State::half_open);
  EXPECT_FALSE(cb.allow(t0 + seconds(30)));  // only one probe at a time
  cb.record_failure(t0 + seconds(31));       // probe failed: open again
  EXPECT_EQ(cb.state(), CircuitBreaker::State::open);
  EXPECT_FALSE(cb.allow(t0 + seconds(60)));
  EXPECT_TRUE(cb.allow(t0 + seconds(61)));
  cb.record_success();
  EXPECT_EQ(cb.state(), CircuitBreaker::State::closed);
  EXPECT_TRUE(cb.allow(t0 + seconds(61)));
}

TEST(CircuitBreaker, SuccessResetsTheFailureCount) {
  CircuitBreaker cb;
  const TimePoint t0{};
  for (int i = 0; i < 4; ++i) cb.record_failure(t0);
  cb.record_success();
  for (int i = 0; i < 4; ++i) cb.record_failure(t0);
  EXPECT_EQ(cb.state(), CircuitBreaker::State::closed);
}

}  // namespace
}  // namespace mtec
