// mtec-sim --animate: the day curve (lib/mtec/inverter/day_curve.hpp) on the
// registers it names (powers per phase and string, voltages, currents, SOC,
// energy counters), updated before every read.
#pragma once

#include <functional>

#include "mtec/inverter/catalog.hpp"
#include "sim_snapshot.hpp"

namespace mtec::sim {

// --- Interface ---

// Returns the words of the animated registers at the current local time of
// day; each call advances the battery and the counters by the time since the
// last one. The day starts at midnight: the counters hold today so far.
std::function<Snapshot()> day_animation(const Catalog& catalog);

}  // namespace mtec::sim
