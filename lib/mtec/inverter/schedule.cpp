#include "mtec/inverter/schedule.hpp"

#include <cmath>

namespace mtec {
inline namespace inverter {

std::span<const Group> Schedule::secondary_groups() {
  static constexpr Group g[] = {Group::now_grid, Group::now_inverter, Group::now_backup,
                                Group::now_battery, Group::now_pv};
  return g;
}

Schedule::Schedule(Periods p, Clock::time_point start)
    : p_(p),
      start_(start),
      next_config_(start),
      next_day_(start),
      next_total_(start),
      next_static_(start) {}

std::vector<Group> Schedule::due(Clock::time_point now) {
  std::vector<Group> out = {Group::now_base};
  if (now >= next_config_) out.push_back(Group::config);
  out.push_back(secondary_groups()[secondary_]);
  secondary_ = (secondary_ + 1) % secondary_groups().size();
  if (now >= next_day_) out.push_back(Group::day);
  if (now >= next_total_) out.push_back(Group::total);
  if (now >= next_static_) out.push_back(Group::statics);
  return out;
}

void Schedule::done(Group group, Clock::time_point now, bool with_data) {
  if (!with_data) return;
  auto after = [now](Seconds s) { return now + std::chrono::duration_cast<Clock::duration>(s); };
  switch (group) {
    case Group::config: next_config_ = after(p_.config); break;
    case Group::day: next_day_ = after(p_.day); break;
    case Group::total: next_total_ = after(p_.total); break;
    case Group::statics: next_static_ = after(p_.statics); break;
    default: break;  // the now-* groups are read every iteration
  }
}

Schedule::Clock::time_point Schedule::next_iteration(Clock::time_point now) const {
  const double period = p_.now.count();
  const double elapsed = Seconds(now - start_).count();
  const double k = std::floor(elapsed / period) + 1;
  return start_ + std::chrono::duration_cast<Clock::duration>(Seconds(k * period));
}

}  // namespace inverter
}  // namespace mtec
