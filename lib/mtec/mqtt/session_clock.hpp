// The clocks an MQTT session reads, injected so that the unit tests run
// without real time: the steady clock for timers, backoff and outages, the
// wall clock for frame ages, command timestamps and "down since HH:MM:SS".
#pragma once

#include <chrono>
#include <functional>

#include "mtec/base/backoff.hpp"

namespace mtec::mqtt {

// --- Interface ---

struct SessionClock {
  std::function<TimePoint()> steady = [] { return std::chrono::steady_clock::now(); };
  std::function<std::chrono::system_clock::time_point()> wall = [] {
    return std::chrono::system_clock::now();
  };
};

}  // namespace mtec::mqtt
