// Payload formatting of values (tests/contract/CONTRACT.md §1.4): floats through the legacy's
// MQTT_FLOAT_FORMAT (base/float_format), ints in decimal, strings unchanged, bools as 1/0.
#pragma once

#include <string>

#include "mtec/base/float_format.hpp"
#include "mtec/inverter/value.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// Payload of `v`: float -> format_float, int -> decimal, bool -> 1/0, str -> as is.
std::string format_payload(const Value& v, const FloatFormat& fmt);

}  // namespace inverter
}  // namespace mtec
