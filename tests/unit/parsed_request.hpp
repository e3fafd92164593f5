// A control request line parsed for a test; a line that does not parse is a
// test failure (with the reason) and gives an empty request.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "mtec/control/control.hpp"

namespace mtec {

inline control::ControlRequest parsed(std::string_view line) {
  auto r = control::parse_control_request(line);
  if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << line << ": " << *why;
  return std::holds_alternative<control::ControlRequest>(r) ? std::get<control::ControlRequest>(r)
                                                            : control::ControlRequest{};
}

}  // namespace mtec
