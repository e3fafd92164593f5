// The polling schedule reproduces the legacy's group reads per iteration
// (from the fixtures' "reads"), at a fixed rate.
#include <gtest/gtest.h>

#include <map>

#include "golden.hpp"
#include "mtec/inverter/schedule.hpp"

namespace mtec {
namespace {

using Clock = Schedule::Clock;

Schedule::Periods periods_of(const nlohmann::json& config) {
  Schedule::Periods p;
  p.now = Schedule::Seconds(config.value("REFRESH_NOW", 10.0));
  p.config = Schedule::Seconds(config.value("REFRESH_CONFIG", 30.0));
  p.day = Schedule::Seconds(config.value("REFRESH_DAY", 300.0));
  p.total = Schedule::Seconds(config.value("REFRESH_TOTAL", 300.0));
  p.statics = Schedule::Seconds(config.value("REFRESH_STATIC", 3600.0));
  return p;
}

TEST(Schedule, ReproducesTheGroupReadsOfEveryCase) {
  for (const auto& name : test::golden_cases()) {
    const auto& c = test::golden(name);
    std::map<int, std::vector<std::string>> expected;
    for (const auto& r : c["reads"])
      if (r["phase"] == "loop") expected[r["iteration"].get<int>()].push_back(r["group"]);
    const auto p = periods_of(c["config"]);
    const Clock::time_point t0{};
    Schedule s(p, t0);
    for (const auto& [iteration, groups] : expected) {
      const auto now = t0 + std::chrono::duration_cast<Clock::duration>(p.now * iteration);
      const auto got = s.due(now);
      EXPECT_EQ(group_names(got), groups) << name << " iteration " << iteration;
      for (const auto& g : got) s.done(g, now, true);
    }
  }
}

TEST(Schedule, AGroupWithoutDataStaysDue) {
  Schedule s({}, Clock::time_point{});
  const auto t0 = Clock::time_point{};
  auto g = s.due(t0);
  for (const Group x : g) s.done(x, t0, x != Group::day);
  g = s.due(t0 + std::chrono::seconds(10));
  EXPECT_NE(std::find(g.begin(), g.end(), Group::day), g.end());
  EXPECT_EQ(std::find(g.begin(), g.end(), Group::total), g.end());
}

TEST(Schedule, FixedRateSkipsPassedSlots) {
  Schedule s({}, Clock::time_point{});
  const auto t0 = Clock::time_point{};
  EXPECT_EQ(s.next_iteration(t0 + std::chrono::milliseconds(300)), t0 + std::chrono::seconds(10));
  // a cycle that overran two periods continues on the grid, not in a burst
  EXPECT_EQ(s.next_iteration(t0 + std::chrono::milliseconds(25300)), t0 + std::chrono::seconds(30));
}

}  // namespace
}  // namespace mtec
