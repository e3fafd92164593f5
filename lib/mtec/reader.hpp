// Reading registers through a Modbus client with one merged plan, and turning
// what was read into frames (one per group).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "mtec/catalog.hpp"
#include "mtec/frame.hpp"
#include "mtec/modbus_client.hpp"
#include "mtec/plan.hpp"

namespace mtec {

// --- Interface ---

struct ReadOutcome {
  std::map<const Register*, std::vector<uint16_t>> words;  // what was read
  std::vector<FrameError> errors;                          // per failed request
  std::optional<ErrorClass> worst;                         // class of the first failure, if any
  bool connection_lost = false;                            // a failure that closed the connection
};

// Read `regs` with a plan of at most `max_gap` gap words. A merged request
// answered with an exception is retried as contiguous requests. After a
// failure that lost the connection the remaining requests are not tried;
// they are reported as errors too.
ReadOutcome read_registers(modbus::Client& client, const std::vector<const Register*>& regs,
                           int max_gap);

// One frame per group of `groups` (in that order) from `outcome`: decoded
// values of the group's registers that were read (catalog order), errors of
// the group's registers that were not, raw words if `with_raw`.
std::vector<Frame> frames_by_group(const Catalog& catalog, const std::vector<std::string>& groups,
                                   const std::set<const Register*>& selected,
                                   const ReadOutcome& outcome, const std::string& ts,
                                   const std::string& serial, bool with_raw);

// The serial number from a read outcome (register 10000 decoded), or "".
std::string serial_from(const Catalog& catalog, const ReadOutcome& outcome);

}  // namespace mtec
