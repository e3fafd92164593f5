// The legacy polling schedule (tests/contract/CONTRACT.md §7), kept at a fixed rate: pure
// logic over injected time points.
#pragma once

#include <chrono>
#include <span>
#include <vector>

#include "mtec/inverter/group.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

class Schedule {
 public:
  using Clock = std::chrono::steady_clock;
  using Seconds = std::chrono::duration<double>;
  struct Periods {
    Seconds now{10}, config{30}, day{300}, total{300}, statics{3600};
  };

  Schedule(Periods p, Clock::time_point start);

  // The groups of the iteration that starts at `now`, in legacy order:
  // now-base; config if due; one secondary group (round robin, advancing
  // every iteration); day, total, static if due.
  std::vector<Group> due(Clock::time_point now);
  // Report the result of reading `group` at `now`: with data, a periodic
  // group's next read is now + its period; without, it stays due.
  void done(Group group, Clock::time_point now, bool with_data);
  // Start of the next iteration after `now` on the fixed grid start + k*period
  // (slots that already passed are skipped, never bunched).
  Clock::time_point next_iteration(Clock::time_point now) const;

  // The now-* groups after now-base, one per iteration in this order.
  static std::span<const Group> secondary_groups();

 private:
  Periods p_;
  Clock::time_point start_;
  Clock::time_point next_config_, next_day_, next_total_, next_static_;
  size_t secondary_ = 0;
};

}  // namespace inverter
}  // namespace mtec
