// What a read's failures tell the person running the tool: one line per
// refused register, the transport failures of a whole read in one line that
// names what was asked for, and a hint at the likely cause.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mtec/inverter/reader.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

struct ReadReport {
  std::vector<std::string> refusals;  // exception replies, one per refused request
  std::string failure;                // timeouts, bad replies, a lost connection: "" if none
  std::string hint;                   // what to check: "" if nothing specific
};

// `asked` names what the user asked for ("now-base", "grid_power, battery_soc");
// `peer` is "host:port" as the client names it.
ReadReport report_read(const ReadOutcome& outcome, std::string_view asked,
                       const modbus::Endpoint& ep, std::string_view peer);

// "a, b, c" or "a, b, c and 4 more" for up to `shown` names.
std::string name_list(const std::vector<std::string>& names, size_t shown = 3);

}  // namespace inverter
}  // namespace mtec
