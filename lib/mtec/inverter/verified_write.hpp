// mtec-write REGISTER VALUE: one write from the command line, verified, and
// told as the tool tells it (a result line, a log line, an Error otherwise).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "mtec/base/log.hpp"
#include "mtec/control/register_io.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/command_writer.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// The result line's "outcome" of an attempt: applied, unchanged, unknown, failed.
const char* outcome_name(WriteAttempt::Result r);

// Writes `w` through `io` (attempt_write): hands the result line to `report`
// (none when nothing was sent), logs an applied or unchanged write at notice,
// and throws the attempt's Error otherwise; an unknown outcome as "outcome
// unknown, it may have been applied" with a hint to read the register.
void write_verified(control::RegisterIO& io, const EncodedWrite& w, bool raw, const Logger& log,
                    const std::function<void(const nlohmann::json&)>& report);

}  // namespace inverter
}  // namespace mtec
