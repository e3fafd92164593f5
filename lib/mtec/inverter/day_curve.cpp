#include "mtec/inverter/day_curve.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mtec {

namespace {

constexpr double kPvPeakW = 6000, kBatteryMaxW = 5000, kSocMin = 10, kSocMax = 100;

double bell(double hour, double centre, double width) {
  const double x = (hour - centre) / width;
  return std::exp(-x * x);
}

}  // namespace

EnergyFlow DayCurve::step(double time_of_day_s, double dt_s) {
  const double hour = std::fmod(time_of_day_s, 86400) / 3600;
  EnergyFlow f;
  const double sun = hour > 6 && hour < 20 ? std::sin(std::numbers::pi * (hour - 6) / 14) : 0;
  const double clouds = 0.85 + 0.15 * std::sin(time_of_day_s / 97);  // minutes, not hours
  f.pv_w = std::round(kPvPeakW * std::pow(sun, 1.5) * clouds);
  f.pv1_w = std::round(f.pv_w * 0.55);
  f.pv2_w = f.pv_w - f.pv1_w;
  f.load_w = std::round(350 + 600 * bell(hour, 7.5, 1) + 1400 * bell(hour, 19, 1.5) +
                        120 * std::sin(time_of_day_s / 41));
  const double surplus = f.pv_w - f.load_w;
  if (surplus > 0 && soc_ < kSocMax)
    f.battery_w = -std::min(surplus, kBatteryMaxW);
  else if (surplus < 0 && soc_ > kSocMin)
    f.battery_w = std::min(-surplus, kBatteryMaxW);
  soc_ = std::clamp(soc_ - f.battery_w * dt_s / 3600 / capacity_wh_ * 100, 0.0, 100.0);
  f.soc_percent = soc_;
  f.inverter_w = f.pv_w + f.battery_w;
  f.grid_w = f.inverter_w - f.load_w;
  return f;
}

}  // namespace mtec
