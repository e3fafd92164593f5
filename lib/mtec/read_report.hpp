// What a read's failures tell the person running the tool: one line per
// refused register, the transport failures of a whole read in one line that
// names what was asked for, and a hint at the likely cause.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mtec/modbus_client.hpp"
#include "mtec/reader.hpp"

namespace mtec {

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

// The hint for a device that never answers (or answers garbage): unit id or
// framing are likely wrong.
std::string no_answer_hint(const modbus::Endpoint& ep);

// The hint for a failed connect: a refused port 502 is usually the M-TEC
// gateway's 5743; "" when there is nothing specific to say.
std::string connect_hint(const modbus::Endpoint& ep, const modbus::ModbusError& e);

// "a, b, c" or "a, b, c and 4 more" for up to `shown` names.
std::string name_list(const std::vector<std::string>& names, size_t shown = 3);

}  // namespace mtec
