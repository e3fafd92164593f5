// Reading registers through a Modbus client with one merged plan, and turning
// what was read into frames (one per group).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mtec/config/config.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/inverter/plan.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

struct ReadOutcome {
  std::map<const Register*, std::vector<uint16_t>> words;  // what was read
  std::vector<FrameError> errors;                          // per failed request
  std::optional<ErrorClass> worst;                         // class of the first failure, if any
  bool connection_lost = false;  // the read ended without a connection (link down)
  int retries = 0;               // tries after a failure (for metrics)
  // The errors at the end that were not tried (a failed reconnect or the
  // spent budget stopped the read), and how often the first request that
  // failed without an exception reply was tried (0: none did).
  size_t untried = 0;
  int first_failure_tries = 0;
  // How often it would have been tried (1 + MODBUS_RETRIES) when the spent
  // budget cut its tries short, else 0; and that budget.
  int first_failure_allowed = 0;
  std::chrono::milliseconds budget{0};
};

// How hard one read tries.
struct ReadPolicy {
  using Clock = std::chrono::steady_clock;
  // A request that timed out, got a malformed or mismatched reply or lost the
  // connection is tried again up to `retries` times (MODBUS_RETRIES).
  int retries = 3;
  // No try starts later than `budget` after the read began; what is left is
  // reported as not tried (a dead link cannot stretch a cycle without bound).
  std::chrono::milliseconds budget{10000};
  // Refused spans learned across reads (--follow keeps one); may be null.
  PlanMemory* memory = nullptr;
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
};

// The budget of one read: REFRESH_NOW or two request timeouts, whichever is longer.
std::chrono::milliseconds read_budget(Seconds refresh_now, std::chrono::milliseconds timeout);

// Read `regs` with a plan of at most `max_gap` gap words. An exception reply
// is an answer, not retried: a merged request refused with one is cut in two
// (split_refused) until the refusing register is alone, and with 02/03 the
// refused span is remembered in policy.memory. Transport failures are
// retried, reconnecting first where the connection was closed. When a
// reconnect fails or the budget is spent the remaining requests are not
// tried; they are reported as errors too.
ReadOutcome read_registers(modbus::Device& device, const std::vector<const Register*>& regs,
                           int max_gap, const ReadPolicy& policy = {});

// One frame per group of `groups` (in that order) from `outcome`: decoded
// values of the group's registers that were read (catalog order), errors of
// the group's registers that were not, raw words if `with_raw`.
std::vector<Frame> frames_by_group(const Catalog& catalog, const std::vector<Group>& groups,
                                   const std::set<const Register*>& selected,
                                   const ReadOutcome& outcome, const std::string& ts,
                                   const std::string& serial, bool with_raw);

// The serial number from a read outcome (register 10000 decoded), or "".
std::string serial_from(const Catalog& catalog, const ReadOutcome& outcome);
// The serial register when it was read and decodes as text that cannot be a
// topic level (a '/', a control character, ...): what serial_from() refused.
std::optional<std::string> refused_serial(const Catalog& catalog, const ReadOutcome& outcome);

}  // namespace inverter
}  // namespace mtec
