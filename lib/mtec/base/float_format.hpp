// Python's format mini-language for floats, as the legacy applies MQTT_FLOAT_FORMAT
// (tests/contract/CONTRACT.md §1.4): the spec parsed, a double formatted.
#pragma once

#include <string>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

// A parsed Python float format spec
// ("[[fill]align][sign][z][#][0][width][grouping][.precision][type]").
struct FloatFormat {
  char fill = ' ';
  char align = 0;            // '<', '>', '=', '^' or 0 (default: right for numbers)
  char sign = '-';           // '-', '+', ' '
  bool no_neg_zero = false;  // 'z'
  bool alternate = false;    // '#'
  int width = 0;
  char grouping = 0;   // ',', '_' or 0
  int precision = -1;  // -1: none given
  char type = 0;       // 'e','E','f','F','g','G','%' or 0 (Python's "no type")

  // Parse MQTT_FLOAT_FORMAT as the legacy does: strip '{' '}' at both ends,
  // then leading ':'; the rest is the spec ("{:.3f}" -> ".3f"). Throws
  // Error(config) naming the spec when it is not a valid float spec.
  static FloatFormat parse(std::string_view config_value);
  // The default of the legacy, ".3f".
  static FloatFormat legacy_default();

  bool operator==(const FloatFormat&) const = default;
};

// Format a float exactly as Python's format(value, spec) does.
std::string format_float(double value, const FloatFormat& fmt);

}  // namespace base
}  // namespace mtec
