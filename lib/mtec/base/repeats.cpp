#include "mtec/base/repeats.hpp"

#include <fmt/format.h>

namespace mtec {
inline namespace base {

RepeatedWarnings::RepeatedWarnings(const Logger& log, Clock clock, Duration every, size_t max_keys)
    : log_(log), clock_(std::move(clock)), every_(every), max_keys_(max_keys) {}

bool RepeatedWarnings::warn(std::string_view kind, std::string_view key, std::string_view message) {
  ++counts_[std::string(kind)];
  std::string id = fmt::format("{}\x1f{}", kind, key);
  if (!entries_.contains(id) && entries_.size() >= max_keys_)
    id = fmt::format("{}\x1f(more keys)", kind);  // one entry for the keys beyond the bound
  const auto now = clock_();
  auto [it, fresh] = entries_.try_emplace(std::move(id));
  Entry& e = it->second;
  if (fresh) {
    e.said = now;
    log_.warn(message);
    return true;
  }
  ++e.untold;
  e.last.assign(message);
  if (now - e.said < every_) return false;
  log_.warn(fmt::format("{} ({} times in the last {} s)", message, e.untold,
                        std::chrono::duration_cast<std::chrono::seconds>(now - e.said).count()));
  e.said = now;
  e.untold = 0;
  e.last.clear();
  return true;
}

void RepeatedWarnings::flush() {
  for (auto& [id, e] : entries_) {
    if (!e.untold) continue;
    log_.warn(fmt::format("{} ({} more time{})", e.last, e.untold, e.untold == 1 ? "" : "s"));
    e.untold = 0;
    e.last.clear();
  }
}

uint64_t RepeatedWarnings::count(std::string_view kind) const {
  const auto it = counts_.find(kind);
  return it == counts_.end() ? 0 : it->second;
}

}  // namespace base
}  // namespace mtec
