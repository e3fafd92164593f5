#include "mtec/inverter/group.hpp"

#include <iterator>

namespace mtec {
inline namespace inverter {

namespace {

// Indexed by the enumerator: the one place the names are spelled.
constexpr std::string_view kGroupNames[] = {"now-base",   "config",      "now-grid", "now-inverter",
                                            "now-backup", "now-battery", "now-pv",   "day",
                                            "total",      "static"};
static_assert(std::size(kGroupNames) == std::size(kAllGroups));

constexpr bool all_groups_in_enum_order() {
  for (size_t i = 0; i < std::size(kAllGroups); ++i)
    if (static_cast<size_t>(kAllGroups[i]) != i) return false;
  return true;
}
static_assert(all_groups_in_enum_order());

}  // namespace

std::string_view group_name(Group g) { return kGroupNames[static_cast<size_t>(g)]; }

std::optional<Group> parse_group(std::string_view name) {
  for (const Group g : kAllGroups)
    if (group_name(g) == name) return g;
  return std::nullopt;
}

std::vector<std::string> group_names(const std::vector<Group>& groups) {
  std::vector<std::string> out;
  out.reserve(groups.size());
  for (const Group g : groups) out.emplace_back(group_name(g));
  return out;
}

std::vector<std::string> all_group_names() {
  return group_names({std::begin(kAllGroups), std::end(kAllGroups)});
}

}  // namespace inverter
}  // namespace mtec
