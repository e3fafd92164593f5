// Decoding of raw Modbus words into the values the legacy bridge publishes
// (tests/contract/CONTRACT.md §2 with the deviations D2-D4).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "mtec/base/utf8.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/value.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// Decode `words` (exactly `reg.length` of them) of the Modbus register `reg`,
// scaled and post-processed (enum labels, fault lists, firmware, equipment).
// Returns nullopt when the words are not decodable (a STR that is not UTF-8,
// a wrong word count): such a register is left out of the read.
std::optional<Value> decode(const Register& reg, std::span<const uint16_t> words);

// The raw (unscaled) integer of a numeric type (U16/I16/U32/I32).
int64_t raw_integer(RegType type, std::span<const uint16_t> words);

// STR (D4): bytes high-first, trailing 0x00/0xFF, blanks, 0x00/0xFF, blanks
// stripped; nullopt if the rest is not valid UTF-8.
std::optional<std::string> decode_str(std::span<const uint16_t> words);

// Fault list of a BIT register (D2): labels whose mask matches, ", "-joined, or "OK".
std::string fault_list(const Register& reg, std::span<const uint16_t> words);

// Equipment model string of register 10008's word, "unknown" when not listed.
std::string equipment_model(uint16_t word);

// Firmware string of register 10011's four words: "V27.52.04.00-V27.52.04.00".
std::string firmware_string(std::span<const uint16_t> words);

}  // namespace inverter
}  // namespace mtec
