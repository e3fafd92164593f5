// What to check when the inverter does not answer or refuses the
// connection: hint lines printed after the error (Logger::hint).
#pragma once

#include <string>

#include "mtec/modbus/modbus_client.hpp"

namespace mtec::modbus {

// --- Interface ---

// "tcp" or "rtu", as MODBUS_FRAMER spells it.
const char* framer_name(Framer f);

// The hint for a device that never answers (or answers garbage): unit id or
// framing are likely wrong.
std::string no_answer_hint(const Endpoint& ep);

// The hint for a failed connect: a refused port 502 is usually the M-TEC
// gateway's 5743; "" when there is nothing specific to say.
std::string connect_hint(const Endpoint& ep, const ModbusError& e);

}  // namespace mtec::modbus
