// The one way YAML is read (catalog, config, overlays): yaml-cpp's
// exceptions never leave it; every problem is Error(config) naming
// file:line:column. Generic: no domain knowledge.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

// "file:line:column" of `mark` (file:1:1 when yaml-cpp has no position).
std::string yaml_where(const std::string& file, const YAML::Mark& mark);

// Parses `text` (the contents of `file`).
YAML::Node load_yaml(const std::string& text, const std::string& file);

// The text of a mapping key; Error(config) at the key when it is not a
// single value (`? [a, b]` is a valid YAML key, and no key of ours).
std::string yaml_key(const YAML::Node& key, const std::string& file);

// Runs `read` (code walking nodes); a yaml-cpp exception escaping it, such as
// a failed conversion, becomes Error(config) at its position.
template <class F>
auto with_yaml_errors(const std::string& file, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    throw Error(ErrorClass::config, yaml_where(file, e.mark) + ": " + e.msg);
  }
}

}  // namespace base
}  // namespace mtec
