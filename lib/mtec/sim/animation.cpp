#include "mtec/sim/animation.hpp"

#include <cmath>
#include <ctime>
#include <memory>

#include "mtec/sim/day_curve.hpp"

namespace mtec::sim {

namespace animation_detail {

// The raw words of `value` in `r`'s unit (scaled, two's complement, high word first).
std::vector<uint16_t> words_of(const Register& r, double value) {
  const auto raw = static_cast<int64_t>(std::llround(value * std::max(1, r.scale)));
  const auto bits = static_cast<uint32_t>(raw);
  if (r.length == 2) return {static_cast<uint16_t>(bits >> 16), static_cast<uint16_t>(bits)};
  return {static_cast<uint16_t>(bits)};
}

double local_seconds_of_day() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

}  // namespace animation_detail

AnimationClock machine_clock() {
  return {animation_detail::local_seconds_of_day, [] { return std::chrono::steady_clock::now(); }};
}

std::function<Snapshot()> day_animation(const Catalog& catalog, AnimationClock clock) {
  struct State {
    DayCurve day;
    AnimationClock clock;
    std::chrono::steady_clock::time_point last;
  };
  auto state = std::make_shared<State>();
  state->clock = std::move(clock);
  state->day.run_from_midnight(state->clock.seconds_of_day());  // today's counters so far
  state->last = state->clock.steady();
  return [state, &catalog] {
    const auto now = state->clock.steady();
    const double dt = std::chrono::duration<double>(now - state->last).count();
    state->last = now;
    Snapshot words;
    for (const auto& [key, v] : register_values(state->day.step(state->clock.seconds_of_day(), dt)))
      if (const Register* r = catalog.by_mqtt(key); r && r->address)
        words[*r->address] = animation_detail::words_of(*r, v);
    return words;
  };
}

}  // namespace mtec::sim
