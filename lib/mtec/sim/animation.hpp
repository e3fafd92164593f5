// mtec-sim --animate: the day curve (lib/mtec/sim/day_curve.hpp) on the
// registers it names (powers per phase and string, voltages, currents, SOC,
// energy counters), updated before every read. The clocks are injected.
#pragma once

#include <chrono>
#include <functional>

#include "mtec/inverter/catalog.hpp"
#include "mtec/sim/snapshot.hpp"

namespace mtec::sim {

// --- Interface ---

// What the animation reads: the local time of day and a monotonic clock.
struct AnimationClock {
  std::function<double()> seconds_of_day;                         // local, 0 <= s < 86400
  std::function<std::chrono::steady_clock::time_point()> steady;  // for the steps' lengths
};

// The machine's clocks: localtime_r of now, std::chrono::steady_clock.
AnimationClock machine_clock();

// Returns the words of the animated registers at the clock's time of day;
// each call advances the battery and the counters by the steady time since
// the last one. The day starts at midnight: the counters hold today so far.
// `catalog` must outlive the returned function.
std::function<Snapshot()> day_animation(const Catalog& catalog,
                                        AnimationClock clock = machine_clock());

}  // namespace mtec::sim
