// A decoded value as the legacy bridge would publish it: int, float or string.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace mtec {
inline namespace inverter {

// --- Interface ---

// The value kinds of tests/contract/CONTRACT.md §1.4. The JSON kind of a frame value carries
// the same meaning (integer / float / string); bool is accepted for user values.
using Value = std::variant<int64_t, double, std::string, bool>;

inline bool is_int(const Value& v) { return std::holds_alternative<int64_t>(v); }
inline bool is_float(const Value& v) { return std::holds_alternative<double>(v); }
inline bool is_str(const Value& v) { return std::holds_alternative<std::string>(v); }

}  // namespace inverter
}  // namespace mtec
