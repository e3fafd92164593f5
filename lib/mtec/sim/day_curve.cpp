#include "mtec/sim/day_curve.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace mtec::sim {

namespace {

constexpr double kPvPeakW = 6000, kBatteryMaxW = 5000, kSocMin = 10, kSocMax = 100;
constexpr double kBackupShare = 0.3;     // of every phase's load
constexpr double kCellSpreadV = 0.006;   // max and min cell around the mean
constexpr double kNewDayAfterS = 43200;  // a clock going back less is not midnight

double bell(double hour, double centre, double width) {
  const double x = (hour - centre) / width;
  return std::exp(-x * x);
}

// `total` in three whole-watt parts by `share_a` and `share_b` (c the rest).
Phases split(double total, double share_a, double share_b) {
  Phases p;
  p.a = std::round(total * share_a);
  p.b = std::round(total * share_b);
  p.c = total - p.a - p.b;
  return p;
}

// Line-to-line voltage of two phases 120 degrees apart.
double line_voltage(double u, double v) { return std::sqrt(u * u + v * v + u * v); }

void add(EnergyCounters& c, const DayState& s, double dt_s) {
  const double kwh = dt_s / 3600 / 1000;
  const EnergyFlow& f = s.flow;
  c.pv += f.pv_w * kwh;
  c.grid_feed += std::max(f.grid_w, 0.0) * kwh;
  c.grid_purchase += std::max(-f.grid_w, 0.0) * kwh;
  c.battery_charge += std::max(-f.battery_w, 0.0) * kwh;
  c.battery_discharge += std::max(f.battery_w, 0.0) * kwh;
  c.backup += s.backup_total_w * kwh;
}

}  // namespace

double lfp_cell_ocv(double soc_percent) {
  static constexpr std::array<std::pair<double, double>, 10> kCurve{{{0, 2.90},
                                                                     {5, 3.15},
                                                                     {10, 3.20},
                                                                     {20, 3.25},
                                                                     {40, 3.28},
                                                                     {60, 3.30},
                                                                     {80, 3.32},
                                                                     {90, 3.34},
                                                                     {95, 3.37},
                                                                     {100, 3.45}}};
  const double s = std::clamp(soc_percent, 0.0, 100.0);
  for (size_t i = 1; i < kCurve.size(); ++i)
    if (s <= kCurve[i].first) {
      const auto [s0, v0] = kCurve[i - 1];
      const auto [s1, v1] = kCurve[i];
      return v0 + (v1 - v0) * (s - s0) / (s1 - s0);
    }
  return kCurve.back().second;
}

DayState DayCurve::step(double time_of_day_s, double dt_s) {
  const double t = std::fmod(time_of_day_s, 86400);
  if (last_time_ && t + kNewDayAfterS < *last_time_) day_ = {};
  last_time_ = t;
  const double hour = t / 3600;
  DayState s;
  EnergyFlow& f = s.flow;

  // PV on two strings
  const double sun = hour > 6 && hour < 20 ? std::sin(std::numbers::pi * (hour - 6) / 14) : 0;
  const double clouds = 0.85 + 0.15 * std::sin(t / 97);  // minutes, not hours
  f.pv_w = std::round(kPvPeakW * std::pow(sun, 1.5) * clouds);
  f.pv1_w = std::round(f.pv_w * 0.55);
  f.pv2_w = f.pv_w - f.pv1_w;
  const double light = std::cbrt(f.pv_w / kPvPeakW);  // MPP voltage rises a little with light
  s.pv1_v = f.pv1_w > 0 ? 330 + 50 * light : 0;
  s.pv2_v = f.pv2_w > 0 ? 280 + 40 * light : 0;
  s.pv1_a = s.pv1_v > 0 ? f.pv1_w / s.pv1_v : 0;
  s.pv2_a = s.pv2_v > 0 ? f.pv2_w / s.pv2_v : 0;

  // the house
  f.load_w = std::round(350 + 600 * bell(hour, 7.5, 1) + 1400 * bell(hour, 19, 1.5) +
                        120 * std::sin(t / 41));

  // the battery: the surplus or the deficit, within its power and SOC range
  const double wh_per_percent = pack_.capacity_wh / 100;
  const double per_step =
      dt_s > 0 ? 3600 / dt_s * wh_per_percent : std::numeric_limits<double>::infinity();
  const double surplus = f.pv_w - f.load_w;
  if (surplus > 0 && soc_ < kSocMax)
    f.battery_w = -std::floor(std::min({surplus, kBatteryMaxW, (kSocMax - soc_) * per_step}));
  else if (surplus < 0 && soc_ > kSocMin)
    f.battery_w = std::floor(std::min({-surplus, kBatteryMaxW, (soc_ - kSocMin) * per_step}));
  soc_ = std::clamp(soc_ - f.battery_w * dt_s / 3600 / wh_per_percent, 0.0, 100.0);
  f.soc_percent = soc_;
  // terminal voltage: V = E - R I with I = P / V (the larger root)
  const double e = pack_.cells * lfp_cell_ocv(soc_), r = pack_.cells * pack_.cell_ohm;
  s.battery_v = (e + std::sqrt(e * e - 4 * r * f.battery_w)) / 2;
  s.battery_a = f.battery_w / s.battery_v;
  s.cell_v_max = s.battery_v / pack_.cells + kCellSpreadV;
  s.cell_v_min = s.battery_v / pack_.cells - kCellSpreadV;

  // inverter and grid, phase by phase
  f.inverter_w = f.pv_w + f.battery_w;
  f.grid_w = f.inverter_w - f.load_w;
  s.inverter_w = split(f.inverter_w, 1.0 / 3, 1.0 / 3);
  s.load_w = split(f.load_w, 0.40, 0.35);
  s.grid_w = {s.inverter_w.a - s.load_w.a, s.inverter_w.b - s.load_w.b,
              s.inverter_w.c - s.load_w.c};
  s.backup_w = {std::round(s.load_w.a * kBackupShare), std::round(s.load_w.b * kBackupShare),
                std::round(s.load_w.c * kBackupShare)};
  s.backup_total_w = s.backup_w.sum();
  s.ac_v = {230 + 2 * std::sin(t / 300), 230 + 2 * std::sin(t / 300 + 2.1),
            230 + 2 * std::sin(t / 300 + 4.2)};
  s.ac_v_ab = line_voltage(s.ac_v.a, s.ac_v.b);
  s.ac_v_bc = line_voltage(s.ac_v.b, s.ac_v.c);
  s.ac_v_ca = line_voltage(s.ac_v.c, s.ac_v.a);
  s.ac_a = {std::abs(s.inverter_w.a) / s.ac_v.a, std::abs(s.inverter_w.b) / s.ac_v.b,
            std::abs(s.inverter_w.c) / s.ac_v.c};
  s.backup_a = {s.backup_w.a / s.ac_v.a, s.backup_w.b / s.ac_v.b, s.backup_w.c / s.ac_v.c};
  s.frequency_hz = 50 + 0.03 * std::sin(t / 53);

  add(day_, s, dt_s);
  add(total_, s, dt_s);
  s.day = day_;
  s.total = total_;
  return s;
}

void DayCurve::run_from_midnight(double time_of_day_s, double step_s) {
  step(0, 0);
  for (double t = 0; t < time_of_day_s;) {
    const double next = std::min(t + step_s, time_of_day_s);
    step(next, next - t);
    t = next;
  }
}

std::vector<std::pair<std::string, double>> register_values(const DayState& s) {
  const EnergyFlow& f = s.flow;
  std::vector<std::pair<std::string, double>> v = {
      {"pv", f.pv_w},
      {"pv_1", f.pv1_w},
      {"pv_2", f.pv2_w},
      {"pv_voltage_1", s.pv1_v},
      {"pv_current_1", s.pv1_a},
      {"pv_voltage_2", s.pv2_v},
      {"pv_current_2", s.pv2_a},
      {"inverter", f.inverter_w},
      {"inverter_a", s.inverter_w.a},
      {"inverter_b", s.inverter_w.b},
      {"inverter_c", s.inverter_w.c},
      {"grid_power", f.grid_w},
      {"grid_a", s.grid_w.a},
      {"grid_b", s.grid_w.b},
      {"grid_c", s.grid_w.c},
      {"ac_voltage_a", s.ac_v.a},
      {"ac_voltage_b", s.ac_v.b},
      {"ac_voltage_c", s.ac_v.c},
      {"ac_voltage_a_b", s.ac_v_ab},
      {"ac_voltage_b_c", s.ac_v_bc},
      {"ac_voltage_c_a", s.ac_v_ca},
      {"ac_current_a", s.ac_a.a},
      {"ac_current_b", s.ac_a.b},
      {"ac_current_c", s.ac_a.c},
      {"grid_fequency", s.frequency_hz},  // sic, the catalog's name
      {"backup", s.backup_total_w},
      {"backup_a", s.backup_w.a},
      {"backup_b", s.backup_w.b},
      {"backup_c", s.backup_w.c},
      {"backup_voltage_a", s.ac_v.a},
      {"backup_voltage_b", s.ac_v.b},
      {"backup_voltage_c", s.ac_v.c},
      {"backup_current_a", s.backup_a.a},
      {"backup_current_b", s.backup_a.b},
      {"backup_current_c", s.backup_a.c},
      {"backup_frequency_a", s.frequency_hz},
      {"backup_frequency_b", s.frequency_hz},
      {"backup_frequency_c", s.frequency_hz},
      {"battery", f.battery_w},
      {"battery_soc", f.soc_percent},
      {"battery_voltage", s.battery_v},
      {"battery_current", s.battery_a},
      {"battery_cell_v_max", s.cell_v_max},
      {"battery_cell_v_min", s.cell_v_min},
  };
  const std::pair<const char*, const EnergyCounters*> counters[] = {{"day", &s.day},
                                                                    {"total", &s.total}};
  for (const auto& [period, c] : counters) {
    const std::string p = period;
    v.insert(v.end(), {{"pv_" + p, c->pv},
                       {"grid_feed_" + p, c->grid_feed},
                       {"grid_purchase_" + p, c->grid_purchase},
                       {"battery_charge_" + p, c->battery_charge},
                       {"battery_discharge_" + p, c->battery_discharge},
                       {"backup_" + p, c->backup}});
  }
  return v;
}

}  // namespace mtec::sim
