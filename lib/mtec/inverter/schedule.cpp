#include "mtec/inverter/schedule.hpp"

#include <cmath>

namespace mtec {
inline namespace inverter {

const std::vector<std::string>& Schedule::secondary_groups() {
  static const std::vector<std::string> g = {"now-grid", "now-inverter", "now-backup",
                                             "now-battery", "now-pv"};
  return g;
}

Schedule::Schedule(Periods p, Clock::time_point start)
    : p_(p),
      start_(start),
      next_config_(start),
      next_day_(start),
      next_total_(start),
      next_static_(start) {}

std::vector<std::string> Schedule::due(Clock::time_point now) {
  std::vector<std::string> out = {"now-base"};
  if (now >= next_config_) out.push_back("config");
  out.push_back(secondary_groups()[secondary_]);
  secondary_ = (secondary_ + 1) % secondary_groups().size();
  if (now >= next_day_) out.push_back("day");
  if (now >= next_total_) out.push_back("total");
  if (now >= next_static_) out.push_back("static");
  return out;
}

void Schedule::done(const std::string& group, Clock::time_point now, bool with_data) {
  if (!with_data) return;
  auto after = [now](Seconds s) { return now + std::chrono::duration_cast<Clock::duration>(s); };
  if (group == "config")
    next_config_ = after(p_.config);
  else if (group == "day")
    next_day_ = after(p_.day);
  else if (group == "total")
    next_total_ = after(p_.total);
  else if (group == "static")
    next_static_ = after(p_.statics);
}

Schedule::Clock::time_point Schedule::next_iteration(Clock::time_point now) const {
  const double period = p_.now.count();
  const double elapsed = Seconds(now - start_).count();
  const double k = std::floor(elapsed / period) + 1;
  return start_ + std::chrono::duration_cast<Clock::duration>(Seconds(k * period));
}

}  // namespace inverter
}  // namespace mtec
