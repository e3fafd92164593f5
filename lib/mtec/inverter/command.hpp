// Turning a requested value for a writable register into the words to write,
// with the legacy's mapping (tests/contract/CONTRACT.md §6: label -> code, Python int/float
// parsing, scale multiply, truncation toward zero) plus our safety rules
// (the catalog's min/max, the type's range). A /set value is encoded here
// once, by mtec-write (command_input.hpp); mtec-publish checks only what
// it alone knows, a writable key among it (check_writable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/value.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

struct EncodedWrite {
  const Register* reg = nullptr;
  std::string requested;        // the text as given
  Value user_value;             // the parsed value in user units (label -> code)
  int64_t raw = 0;              // after scaling and truncation
  std::vector<uint16_t> words;  // what goes on the wire
};

// How `text` is read: as the legacy reads it (a label, a label's code, or a
// number in the register's unit), or, for experts (mtec-write --raw), as the
// raw value itself, any integer of the register's type.
enum class WriteMode { checked, raw_word };

// Error(no_perm) "<mqtt key> (<address>) is read-only" unless `reg` is a
// writable register (mtec-publish refuses a /set command of such a key
// before it is sent; encode_write refuses to encode for it).
void check_writable(const Register& reg);

// Encode `text` for the register named `key` (mqtt key, address or name).
// Throws Error: usage for an unknown register, no_perm for a read-only one,
// data for an empty/unparsable/NaN/Inf value, a number that is no label's
// code of a register with labels, or one outside min/max or the type; the
// message says which rule refused it (and lists the labels and codes).
EncodedWrite encode_write(const Catalog& catalog, const std::string& key, const std::string& text,
                          WriteMode mode = WriteMode::checked);

// Why a write of `words` at `address` must not happen (the control
// socket's rule), or nullopt when it may: the address must start a writable
// register of the catalog and the words must be as many as it has; unless
// `raw`, they must also hold a value the register takes (a label's code,
// within min/max). Error class for the refusal: no_perm.
std::optional<std::string> refuse_write(const Catalog& catalog, uint16_t address,
                                        const std::vector<uint16_t>& words, bool raw);

// The value a register holds for `words`, in user units as text (label for
// enums), for confirmations and read-back messages.
std::string describe_words(const Register& reg, const std::vector<uint16_t>& words);

}  // namespace inverter
}  // namespace mtec
