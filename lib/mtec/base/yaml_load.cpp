#include "mtec/base/yaml_load.hpp"

#include <fmt/format.h>

namespace mtec {
inline namespace base {

std::string yaml_where(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return file + ":1:1";
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

YAML::Node load_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorClass::config,
                fmt::format("{}: invalid YAML: {}", yaml_where(file, e.mark), e.msg));
  }
}

std::string yaml_key(const YAML::Node& key, const std::string& file) {
  if (!key.IsScalar())
    throw Error(ErrorClass::config, yaml_where(file, key.Mark()) +
                                        ": a key must be a single value, not a " +
                                        (key.IsMap()        ? "mapping"
                                         : key.IsSequence() ? "list"
                                                            : "null"));
  return key.Scalar();
}

}  // namespace base
}  // namespace mtec
