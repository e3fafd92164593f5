#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

std::string_view class_name(ErrorClass cls) {
  switch (cls) {
    case ErrorClass::usage: return "usage";
    case ErrorClass::data: return "data";
    case ErrorClass::no_input: return "no-input";
    case ErrorClass::unavailable: return "unavailable";
    case ErrorClass::software: return "software";
    case ErrorClass::cant_create: return "cant-create";
    case ErrorClass::io: return "io";
    case ErrorClass::temp_fail: return "timeout";
    case ErrorClass::protocol: return "protocol";
    case ErrorClass::no_perm: return "no-permission";
    case ErrorClass::config: return "config";
  }
  return "unknown";
}

std::optional<ErrorClass> parse_class_name(std::string_view name) {
  for (const ErrorClass c : kAllErrorClasses)
    if (class_name(c) == name) return c;
  return std::nullopt;
}

}  // namespace base
}  // namespace mtec
