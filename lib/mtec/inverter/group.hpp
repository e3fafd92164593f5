// The register groups of the legacy bridge: every catalog entry belongs to
// one, and one read of a group at one instant is one frame.
//
// A group's name is a wire contract: registers.yaml's `group:`, a frame's
// "group", the MQTT topic level and the metrics' group label spell it the
// same, byte for byte. Code names a group by its enumerator; the name is
// written only where text leaves or enters (group_name, parse_group).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtec {
inline namespace inverter {

// --- Interface ---

// The groups, in the order of kAllGroups.
enum class Group {
  now_base,
  config,
  now_grid,
  now_inverter,
  now_backup,
  now_battery,
  now_pv,
  day,
  total,
  statics,  // wire name: static (a C++ keyword)
};

// Every group, in schedule order (the order mtec-read writes frames and
// lists groups in).
inline constexpr Group kAllGroups[] = {
    Group::now_base,    Group::config, Group::now_grid, Group::now_inverter, Group::now_backup,
    Group::now_battery, Group::now_pv, Group::day,      Group::total,        Group::statics};

// The wire name of `g` (now-base, static, ...).
std::string_view group_name(Group g);

// The group whose wire name is exactly `name`; nullopt for any other text
// (input from outside: the catalog, a frame, the command line).
std::optional<Group> parse_group(std::string_view name);

// The wire names of `groups`, in their order (for messages and suggestions).
std::vector<std::string> group_names(const std::vector<Group>& groups);
// The wire names of every group, in kAllGroups order.
std::vector<std::string> all_group_names();

}  // namespace inverter
}  // namespace mtec
