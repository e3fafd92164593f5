// The simulator's day: PV only by day, the balance holds, the battery moves.
#include <gtest/gtest.h>

#include "mtec/inverter/day_curve.hpp"

namespace mtec {
namespace {

TEST(DayCurve, NoPvAtNightPeakAroundNoon) {
  DayCurve d;
  EXPECT_EQ(d.step(2 * 3600, 0).pv_w, 0);
  EXPECT_EQ(d.step(22 * 3600, 0).pv_w, 0);
  const auto noon = d.step(13 * 3600, 0);
  EXPECT_GT(noon.pv_w, 4000);
  EXPECT_LE(noon.pv_w, 6000);
  EXPECT_EQ(noon.pv1_w + noon.pv2_w, noon.pv_w);
}

TEST(DayCurve, TheBalanceHoldsAndConsumptionIsTheLoad) {
  DayCurve d;
  for (int s = 0; s < 86400; s += 600) {
    const auto f = d.step(s, 600);
    EXPECT_DOUBLE_EQ(f.inverter_w, f.pv_w + f.battery_w) << s;
    EXPECT_DOUBLE_EQ(f.inverter_w - f.grid_w, f.load_w) << s;  // consumption formula
    EXPECT_GT(f.load_w, 0) << s;
    EXPECT_GE(f.soc_percent, 0);
    EXPECT_LE(f.soc_percent, 100);
  }
}

TEST(DayCurve, TheBatteryChargesFromSurplusAndCoversTheEvening) {
  DayCurve d(50);
  const auto noon = d.step(13 * 3600, 3600);
  EXPECT_LT(noon.battery_w, 0);  // charging
  EXPECT_GT(noon.soc_percent, 50);
  const auto evening = d.step(19 * 3600, 3600);
  EXPECT_GT(evening.battery_w, 0);  // discharging
  EXPECT_EQ(evening.grid_w, 0);     // covered by the battery
  DayCurve empty(10);
  EXPECT_EQ(empty.step(19 * 3600, 60).battery_w, 0);  // at the floor: the grid covers it
  EXPECT_LT(empty.step(19 * 3600, 60).grid_w, 0);
}

}  // namespace
}  // namespace mtec
