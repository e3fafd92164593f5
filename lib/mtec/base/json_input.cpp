#include "mtec/base/json_input.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace mtec {
inline namespace base {

int json_depth(std::string_view text, int limit) {
  return json_shape(text, limit, std::numeric_limits<size_t>::max()).depth;
}

JsonShape json_shape(std::string_view text, int depth_limit, size_t container_limit) {
  JsonShape shape;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    // at the top level of the first container, before this character
    const bool top = depth == 1 && shape.end == std::string_view::npos;
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      shape.depth = std::max(shape.depth, ++depth);
      if (shape.depth > depth_limit || ++shape.containers > container_limit) return shape;
    } else if (c == '}' || c == ']') {
      if (--depth == 0 && top) {
        shape.end = i + 1;
        continue;
      }
    } else if (c == ',' && top) {
      ++shape.members;  // a value follows
    }
    if (top && shape.members == 0 && kJsonWhitespace.find(c) == std::string_view::npos)
      shape.members = 1;  // the first value
  }
  return shape;
}

std::optional<std::string> string_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> integer_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return std::nullopt;
  return it->get<int64_t>();
}

std::optional<std::vector<uint16_t>> words_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return std::nullopt;
  std::vector<uint16_t> words;
  for (const auto& w : *it) {
    if (!w.is_number_unsigned() || w.get<uint64_t>() > 65535) return std::nullopt;
    words.push_back(static_cast<uint16_t>(w.get<uint64_t>()));
  }
  return words;
}

}  // namespace base
}  // namespace mtec
