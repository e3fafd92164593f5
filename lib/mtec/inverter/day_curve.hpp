// A plausible household day for mtec-sim --animate: PV by the time of day
// (a bell from 06:00 to 20:00, 6 kW at 13:00, passing clouds), a house load
// with morning and evening peaks, a 10 kWh battery taking the surplus and
// covering the deficit between 10 % and 100 % SOC, and the grid the rest.
// Signs as the inverter counts them: grid positive when exporting, battery
// positive when discharging; inverter = pv + battery, load = inverter - grid
// (the catalog's consumption formula). Pure: the caller passes the time.
#pragma once

namespace mtec {

// --- Interface ---

struct EnergyFlow {
  double pv_w = 0, pv1_w = 0, pv2_w = 0;  // pv = pv1 + pv2
  double load_w = 0;
  double battery_w = 0;  // + discharging, - charging
  double inverter_w = 0;
  double grid_w = 0;  // + exporting, - importing
  double soc_percent = 0;
};

class DayCurve {
 public:
  explicit DayCurve(double soc_percent = 50, double capacity_wh = 10000)
      : soc_(soc_percent), capacity_wh_(capacity_wh) {}
  // The flows at `time_of_day_s` (seconds since local midnight), `dt_s`
  // seconds after the previous step (the battery's SOC integrates over it).
  EnergyFlow step(double time_of_day_s, double dt_s);

 private:
  double soc_, capacity_wh_;
};

}  // namespace mtec
