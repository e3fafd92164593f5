// JSON that comes from outside (frames, control requests and replies,
// commands): parsed without exceptions, with a nesting limit, and read with
// checked lookups. Generic: no domain knowledge.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtec {
inline namespace base {

// --- Interface ---

// Deeper input is refused: nothing we read nests beyond 3 levels, and deep
// values make recursive copies overflow the stack.
constexpr int kMaxJsonDepth = 64;

// How deeply `text` nests objects and arrays (strings are skipped), counted
// without parsing; stops counting at `limit` + 1.
int json_depth(std::string_view text, int limit = kMaxJsonDepth);

// Parses `text`: the value, or nullopt with `problem` saying why (not JSON,
// nested deeper than kMaxJsonDepth levels).
template <class J = nlohmann::json>
std::optional<J> parse_json(std::string_view text, std::string& problem) {
  if (json_depth(text) > kMaxJsonDepth) {
    problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return std::nullopt;
  }
  J j = J::parse(text, nullptr, false);
  if (j.is_discarded()) {
    problem = "not valid JSON";
    return std::nullopt;
  }
  return j;
}

// Checked lookups in an object from outside: nullopt when `j` is not an
// object, `key` is missing or has another type.
std::optional<std::string> string_at(const nlohmann::json& j, const char* key);
std::optional<int64_t> integer_at(const nlohmann::json& j, const char* key);
// An array of 16-bit words (integers 0..65535).
std::optional<std::vector<uint16_t>> words_at(const nlohmann::json& j, const char* key);

}  // namespace base
}  // namespace mtec
