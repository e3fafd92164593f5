#include "mtec/inverter/format.hpp"

#include <variant>

namespace mtec {
inline namespace inverter {

std::string format_payload(const Value& v, const FloatFormat& f) {
  if (const auto* d = std::get_if<double>(&v)) return format_float(*d, f);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
  return std::get<std::string>(v);
}

}  // namespace inverter
}  // namespace mtec
