// The simulator's day: PV only by day, the balance holds, the battery moves,
// and over a whole day stepped minute by minute every phase and string sums
// to its total, the battery stays in its range and the counters integrate.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "mtec/inverter/catalog.hpp"
#include "mtec/sim/day_curve.hpp"

namespace mtec::sim {
namespace {

TEST(DayCurve, NoPvAtNightPeakAroundNoon) {
  DayCurve d;
  EXPECT_EQ(d.step(2 * 3600, 0).flow.pv_w, 0);
  EXPECT_EQ(d.step(22 * 3600, 0).flow.pv_w, 0);
  const auto noon = d.step(13 * 3600, 0).flow;
  EXPECT_GT(noon.pv_w, 4000);
  EXPECT_LE(noon.pv_w, 6000);
  EXPECT_EQ(noon.pv1_w + noon.pv2_w, noon.pv_w);
}

TEST(DayCurve, TheBalanceHoldsAndConsumptionIsTheLoad) {
  DayCurve d;
  for (int s = 0; s < 86400; s += 600) {
    const auto f = d.step(s, 600).flow;
    EXPECT_DOUBLE_EQ(f.inverter_w, f.pv_w + f.battery_w) << s;
    EXPECT_DOUBLE_EQ(f.inverter_w - f.grid_w, f.load_w) << s;  // consumption formula
    EXPECT_GT(f.load_w, 0) << s;
    EXPECT_GE(f.soc_percent, 0);
    EXPECT_LE(f.soc_percent, 100);
  }
}

TEST(DayCurve, TheBatteryChargesFromSurplusAndCoversTheEvening) {
  DayCurve d(50);
  const auto noon = d.step(13 * 3600, 3600).flow;
  EXPECT_LT(noon.battery_w, 0);  // charging
  EXPECT_GT(noon.soc_percent, 50);
  const auto evening = d.step(19 * 3600, 3600).flow;
  EXPECT_GT(evening.battery_w, 0);  // discharging
  EXPECT_EQ(evening.grid_w, 0);     // covered by the battery
  DayCurve empty(10);
  EXPECT_EQ(empty.step(19 * 3600, 60).flow.battery_w, 0);  // at the floor: the grid covers it
  EXPECT_LT(empty.step(19 * 3600, 60).flow.grid_w, 0);
}

TEST(DayCurve, TheBatteryNeverOvershootsItsSocRange) {
  DayCurve full(99.9);
  const auto f = full.step(13 * 3600, 3600).flow;  // 10 Wh of room in an hour
  EXPECT_GE(f.battery_w, -10);
  EXPECT_LE(f.soc_percent, 100);
  EXPECT_GT(f.grid_w, 0);  // the rest is exported
  DayCurve low(10.1);
  const auto e = low.step(19 * 3600, 3600).flow;
  EXPECT_LE(e.battery_w, 10);
  EXPECT_GE(e.soc_percent, 10);
}

TEST(LfpCellOcv, RisesFromEmptyToFull) {
  EXPECT_DOUBLE_EQ(lfp_cell_ocv(0), 2.90);
  EXPECT_DOUBLE_EQ(lfp_cell_ocv(100), 3.45);
  EXPECT_DOUBLE_EQ(lfp_cell_ocv(150), 3.45);
  for (double s = 1; s <= 100; ++s) EXPECT_GT(lfp_cell_ocv(s), lfp_cell_ocv(s - 1)) << s;
}

// Whole watts, as the W registers (scale 1) carry them: sums stay exact on the wire.
bool whole(double w) { return std::round(w) == w; }

TEST(DayCurve, ADayMinuteByMinuteKeepsEveryInvariant) {
  DayCurve d;  // 25 % at midnight: the night empties it, the grid covers the morning
  const BatteryPack pack = d.pack();
  double soc = 25, v_min = 1e9, v_max = 0, soc_min = 100, soc_max = 0;
  EnergyCounters integral, last;  // the test's own integral of the powers
  double load_kwh = 0;
  bool charged = false, discharged = false, exported = false, imported = false;
  for (int t = 0; t <= 86400 - 60; t += 60) {
    const double dt = t == 0 ? 0 : 60;
    const DayState s = d.step(t, dt);
    const EnergyFlow& f = s.flow;
    SCOPED_TRACE("t=" + std::to_string(t));
    // phases and strings sum to their totals, in whole watts
    for (double w : {f.pv_w, f.pv1_w, f.pv2_w, f.load_w, f.battery_w, f.inverter_w, f.grid_w,
                     s.grid_w.a, s.grid_w.b, s.grid_w.c, s.inverter_w.a, s.inverter_w.b,
                     s.inverter_w.c, s.backup_w.a, s.backup_w.b, s.backup_w.c})
      ASSERT_TRUE(whole(w)) << w;
    EXPECT_EQ(s.grid_w.sum(), f.grid_w);
    EXPECT_EQ(s.inverter_w.sum(), f.inverter_w);
    EXPECT_EQ(s.load_w.sum(), f.load_w);
    EXPECT_EQ(s.backup_w.sum(), s.backup_total_w);
    EXPECT_EQ(f.pv1_w + f.pv2_w, f.pv_w);
    for (auto [backup, load] : {std::pair{s.backup_w.a, s.load_w.a},
                                {s.backup_w.b, s.load_w.b},
                                {s.backup_w.c, s.load_w.c}}) {
      EXPECT_GE(backup, 0);
      EXPECT_LE(backup, load);  // the backup port is a part of the house
    }
    // the power balance, with the catalog's signs (grid + exporting, battery + discharging)
    const double import = std::max(-f.grid_w, 0.0), exp = std::max(f.grid_w, 0.0);
    const double discharge = std::max(f.battery_w, 0.0), charge = std::max(-f.battery_w, 0.0);
    EXPECT_EQ(f.pv_w + import + discharge, f.load_w + charge + exp);
    EXPECT_EQ(f.inverter_w - f.grid_w, f.load_w);  // the catalog's consumption
    EXPECT_GT(f.load_w, 0);
    EXPECT_LE(std::abs(f.battery_w), 5000);
    // P = V * I: strings, battery, inverter and backup phases
    EXPECT_NEAR(s.pv1_v * s.pv1_a, f.pv1_w, 1e-9);
    EXPECT_NEAR(s.pv2_v * s.pv2_a, f.pv2_w, 1e-9);
    if (f.pv_w == 0) {
      EXPECT_EQ(s.pv1_v + s.pv2_v, 0);
    }
    EXPECT_NEAR(s.battery_v * s.battery_a, f.battery_w, 1e-9);
    EXPECT_NEAR(s.ac_v.a * s.ac_a.a, std::abs(s.inverter_w.a), 1e-9);
    EXPECT_NEAR(s.ac_v.c * s.ac_a.c, std::abs(s.inverter_w.c), 1e-9);
    EXPECT_NEAR(s.ac_v.b * s.backup_a.b, s.backup_w.b, 1e-9);
    for (double v : {s.ac_v.a, s.ac_v.b, s.ac_v.c}) EXPECT_NEAR(v, 230, 5);
    for (double v : {s.ac_v_ab, s.ac_v_bc, s.ac_v_ca}) EXPECT_NEAR(v, 230 * std::sqrt(3), 8);
    EXPECT_NEAR(s.frequency_hz, 50, 0.1);
    // SOC moves with the battery's power and stays in 10..100 %
    soc -= f.battery_w * dt / 3600 / pack.capacity_wh * 100;
    EXPECT_NEAR(f.soc_percent, soc, 1e-9);
    EXPECT_GE(f.soc_percent, 10);
    EXPECT_LE(f.soc_percent, 100);
    // battery voltage: the pack's open-circuit voltage at this SOC, less R * I
    const double ocv = pack.cells * lfp_cell_ocv(f.soc_percent);
    EXPECT_NEAR(s.battery_v, ocv - pack.cells * pack.cell_ohm * s.battery_a, 1e-6);
    EXPECT_LE(std::abs(s.battery_v - ocv), 3);
    EXPECT_GE(s.battery_v, 200);
    EXPECT_LE(s.battery_v, 450);
    EXPECT_NEAR((s.cell_v_max + s.cell_v_min) / 2 * pack.cells, s.battery_v, 1e-6);
    EXPECT_GT(s.cell_v_max, s.cell_v_min);
    // counters: never down, each growing by its power's integral
    const double kwh = dt / 3600 / 1000;
    integral.pv += f.pv_w * kwh;
    integral.grid_feed += exp * kwh;
    integral.grid_purchase += import * kwh;
    integral.battery_charge += charge * kwh;
    integral.battery_discharge += discharge * kwh;
    integral.backup += s.backup_total_w * kwh;
    load_kwh += f.load_w * kwh;
    const std::pair<double, double> day[] = {{s.day.pv, integral.pv},
                                             {s.day.grid_feed, integral.grid_feed},
                                             {s.day.grid_purchase, integral.grid_purchase},
                                             {s.day.battery_charge, integral.battery_charge},
                                             {s.day.battery_discharge, integral.battery_discharge},
                                             {s.day.backup, integral.backup}};
    for (const auto& [counter, expected] : day) EXPECT_NEAR(counter, expected, 1e-9);
    const double before[] = {
        last.pv,    last.grid_feed, last.grid_purchase, last.battery_charge, last.battery_discharge,
        last.backup};
    for (size_t i = 0; i < std::size(day); ++i) EXPECT_GE(day[i].first, before[i]);
    last = s.day;
    v_min = std::min(v_min, s.battery_v);
    v_max = std::max(v_max, s.battery_v);
    soc_min = std::min(soc_min, f.soc_percent);
    soc_max = std::max(soc_max, f.soc_percent);
    charged |= charge > 0;
    discharged |= discharge > 0;
    exported |= exp > 0;
    imported |= import > 0;
  }
  // the catalog's consumption_day from the counters is the load's integral
  EXPECT_NEAR(
      last.pv + last.grid_purchase + last.battery_discharge - last.grid_feed - last.battery_charge,
      load_kwh, 1e-6);
  EXPECT_TRUE(charged && discharged && exported && imported);
  EXPECT_GT(soc_max - soc_min, 30);  // the battery is used
  EXPECT_GT(last.pv, 20);            // a sunny day of 6 kW peak
  EXPECT_LT(last.pv, 50);
  std::printf(
      "battery %.1f..%.1f V, SOC %.1f..%.1f %%; day: pv %.1f, feed %.1f, purchase %.1f, "
      "charge %.1f, discharge %.1f, backup %.1f, load %.1f kWh\n",
      v_min, v_max, soc_min, soc_max, last.pv, last.grid_feed, last.grid_purchase,
      last.battery_charge, last.battery_discharge, last.backup, load_kwh);
}

TEST(DayCurve, MidnightRestartsTheDayCountersTheTotalsGoOn) {
  DayCurve d;
  d.run_from_midnight(86340);
  const DayState evening = d.step(86400 - 30, 30);
  EXPECT_GT(evening.day.pv, 10);
  const DayState night = d.step(30, 60);  // the clock passed midnight
  EXPECT_LT(night.day.grid_purchase + night.day.battery_discharge, 0.05);
  EXPECT_EQ(night.day.pv, 0);
  EXPECT_GT(night.total.battery_discharge + night.total.grid_purchase,
            evening.total.battery_discharge + evening.total.grid_purchase);
  EXPECT_EQ(night.total.pv, evening.total.pv);
  // a clock set back an hour (daylight saving time) is the same day
  const DayState back = d.step(3600 + 30, 60);
  const DayState earlier = d.step(30 + 60, 60);
  EXPECT_GE(earlier.day.grid_purchase + earlier.day.battery_discharge,
            back.day.grid_purchase + back.day.battery_discharge);
}

TEST(DayCurve, RunFromMidnightIsTheDaySoFar) {
  DayCurve a, b;
  a.run_from_midnight(15 * 3600 + 30);
  b.step(0, 0);
  for (int t = 60; t <= 15 * 3600; t += 60) b.step(t, 60);
  b.step(15 * 3600 + 30, 30);
  const DayState sa = a.step(15 * 3600 + 31, 1), sb = b.step(15 * 3600 + 31, 1);
  EXPECT_DOUBLE_EQ(sa.flow.soc_percent, sb.flow.soc_percent);
  EXPECT_DOUBLE_EQ(sa.day.pv, sb.day.pv);
  EXPECT_GT(sa.day.pv, 5);                                          // the morning's sun
  EXPECT_GT(sa.day.grid_purchase + sa.day.battery_discharge, 0.5);  // the night's load
}

TEST(DayCurve, EveryValueIsACatalogRegisterAndEveryPowerAndCounterIsAnimated) {
  const Catalog catalog = Catalog::load(std::string(MTEC_SOURCE_DIR) + "/registers/registers.yaml");
  DayCurve d;
  std::set<std::string> named;
  for (const auto& [name, value] : register_values(d.step(12 * 3600, 60))) {
    const Register* r = catalog.by_mqtt(name);
    ASSERT_TRUE(r && r->address) << name;
    EXPECT_TRUE(std::isfinite(value)) << name;
    if (r->type == RegType::u16 || r->type == RegType::u32) {
      EXPECT_GE(value, 0) << name;
    }
    EXPECT_TRUE(named.insert(name).second) << name << " twice";
  }
  for (const auto& r : catalog.entries()) {
    if (r.address && (r.unit == "W" || r.unit == "kWh")) {
      EXPECT_TRUE(named.count(r.mqtt)) << r.mqtt << " is not animated";
    }
  }
}

}  // namespace
}  // namespace mtec::sim
