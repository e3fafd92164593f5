// An environment without MTEC_<KEY> variables, for Config::parse in tests.
#pragma once

#include <optional>
#include <string>

#include "mtec/config/config.hpp"

namespace mtec::test {

inline EnvLookup no_env() {
  return [](const std::string&) { return std::optional<std::string>(); };
}

}  // namespace mtec::test
