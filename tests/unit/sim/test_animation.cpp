// --animate on an injected clock: no PV at night, PV around noon, the day's
// counters hold the day so far at the start and grow with the steady time
// between reads, and a value becomes the register's scaled words.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/sim/animation.hpp"

namespace mtec::sim::animation_test {

using test::project_catalog;

struct FakeClock {
  double time_of_day = 0;
  std::chrono::steady_clock::time_point now{};
  AnimationClock clock() {
    return {[this] { return time_of_day; }, [this] { return now; }};
  }
};

// The value of mqtt register `key` in `words`, in user units.
double value(const Snapshot& words, const std::string& key) {
  const Register* r = project_catalog().by_mqtt(key);
  EXPECT_NE(r, nullptr) << key;
  const auto& w = words.at(*r->address);
  const auto raw = w.size() == 2 ? static_cast<int32_t>((uint32_t{w[0]} << 16) | w[1])
                                 : static_cast<int32_t>(static_cast<int16_t>(w[0]));
  return static_cast<double>(raw) / r->scale;
}

TEST(SimAnimation, NoPvAtNightAndSomeAroundNoon) {
  FakeClock night{.time_of_day = 2 * 3600};
  EXPECT_EQ(value(day_animation(project_catalog(), night.clock())(), "pv"), 0);
  FakeClock noon{.time_of_day = 13 * 3600};
  const auto words = day_animation(project_catalog(), noon.clock())();
  EXPECT_GT(value(words, "pv"), 4000);
  EXPECT_LE(value(words, "pv"), 6000);
  EXPECT_NEAR(value(words, "grid_fequency"), 50, 0.1);
}

TEST(SimAnimation, TheDayCountersHoldTheDaySoFarAndGrowWithTheSteadyTime) {
  FakeClock c{.time_of_day = 13 * 3600};
  auto animate = day_animation(project_catalog(), c.clock());
  const double at_start = value(animate(), "pv_day");
  EXPECT_GT(at_start, 5);                                  // kWh since 06:00
  EXPECT_DOUBLE_EQ(value(animate(), "pv_day"), at_start);  // no steady time passed
  c.now += std::chrono::hours(1);
  EXPECT_GT(value(animate(), "pv_day"), at_start + 3);  // an hour of 4-6 kW
}

TEST(SimAnimation, OnlyRegistersOfTheCatalogAreAnimated) {
  FakeClock c{.time_of_day = 12 * 3600};
  const auto words = day_animation(project_catalog(), c.clock())();
  EXPECT_GT(words.size(), 40u);
  for (const auto& [address, w] : words) {
    const Register* r = project_catalog().by_address(address);
    ASSERT_NE(r, nullptr) << address;
    EXPECT_EQ(w.size(), static_cast<size_t>(r->length)) << address;
  }
}

}  // namespace mtec::sim::animation_test
