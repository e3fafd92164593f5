// A plausible household day for mtec-sim --animate: PV by the time of day
// (a bell from 06:00 to 20:00, 6 kW at 13:00, passing clouds) on two strings,
// a house load with morning and evening peaks spread unevenly over three
// phases (a part of it on the backup port), a 10 kWh LFP battery of 96 cells
// in series (about 280 to 330 V) taking the surplus and covering the deficit
// between 10 % and 100 % SOC, and the grid the rest; the energy counters of
// the day and in total integrate the powers.
//
// Signs as the inverter counts them: grid positive when exporting, battery
// positive when discharging; inverter = pv + battery, load = inverter - grid
// (the catalog's consumption formula). The inverter feeds its three phases
// evenly, so an unbalanced load makes the grid phases differ while they sum
// to grid_power. Pure: the caller passes the time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtec::sim {

// --- Interface ---

struct EnergyFlow {
  double pv_w = 0, pv1_w = 0, pv2_w = 0;  // pv = pv1 + pv2
  double load_w = 0;
  double battery_w = 0;  // + discharging, - charging
  double inverter_w = 0;
  double grid_w = 0;  // + exporting, - importing
  double soc_percent = 0;
};

struct Phases {
  double a = 0, b = 0, c = 0;
  double sum() const { return a + b + c; }
};

// Energy counters in kWh, each growing with its power.
struct EnergyCounters {
  double pv = 0, grid_feed = 0, grid_purchase = 0, battery_charge = 0, battery_discharge = 0,
         backup = 0;
};

struct DayState {
  EnergyFlow flow;
  Phases inverter_w, load_w, grid_w;                  // each sums to its flow total
  Phases backup_w;                                    // the part of the load on the backup port
  double backup_total_w = 0;                          // backup_w.sum()
  double pv1_v = 0, pv1_a = 0, pv2_v = 0, pv2_a = 0;  // string power = V * A
  Phases ac_v, ac_a;                                  // phase voltages, inverter currents
  Phases backup_a;                                    // backup currents (backup voltage = ac_v)
  double ac_v_ab = 0, ac_v_bc = 0, ac_v_ca = 0;       // line-to-line
  double frequency_hz = 50;
  double battery_v = 0, battery_a = 0;  // battery_w = V * A, + discharging
  double cell_v_max = 0, cell_v_min = 0;
  EnergyCounters day, total;
};

// The battery: LFP cells in series, the capacity and the internal resistance.
struct BatteryPack {
  int cells = 96;
  double capacity_wh = 10000;
  double cell_ohm = 0.0015;
};

// Open-circuit voltage of one LFP cell at `soc_percent` (0..100), about
// 2.9 V empty to 3.45 V full, flat in between; increasing.
double lfp_cell_ocv(double soc_percent);

class DayCurve {
 public:
  // `soc_percent`: the battery at the first step (midnight for run_from_midnight).
  explicit DayCurve(double soc_percent = 25, double capacity_wh = 10000)
      : soc_(soc_percent), pack_{.capacity_wh = capacity_wh} {}
  // The state at `time_of_day_s` (seconds since local midnight), `dt_s`
  // seconds after the previous step (the SOC and the counters integrate the
  // powers over it). A time of day more than 12 h before the previous one
  // starts a new day: the day counters restart from 0.
  DayState step(double time_of_day_s, double dt_s);
  // Steps from midnight to `time_of_day_s` every `step_s` seconds, so that
  // the day counters and the SOC hold the day so far.
  void run_from_midnight(double time_of_day_s, double step_s = 60);
  const BatteryPack& pack() const { return pack_; }

 private:
  double soc_;
  BatteryPack pack_;
  std::optional<double> last_time_;
  EnergyCounters day_{};
  EnergyCounters total_{.pv = 4321,
                        .grid_feed = 1800,
                        .grid_purchase = 1500,
                        .battery_charge = 1200,
                        .battery_discharge = 1100,
                        .backup = 300};
};

// The registers (by their mqtt names in registers/registers.yaml) and their
// values in user units: powers, voltages, currents, SOC and the counters.
std::vector<std::pair<std::string, double>> register_values(const DayState& s);

}  // namespace mtec::sim
