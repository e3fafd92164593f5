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

// More objects and arrays in one text are refused: nothing we read has more
// than a few hundred, and each costs ~110 bytes parsed (a 1 MiB line of "{}"
// took 38 MB, close to mtec-publish's memory bound).
constexpr size_t kMaxJsonContainers = 65536;

// How deeply `text` nests objects and arrays (strings are skipped), counted
// without parsing; stops counting at `limit` + 1.
int json_depth(std::string_view text, int limit = kMaxJsonDepth);

// JSON's whitespace (RFC 8259): what may stand around a value.
inline constexpr std::string_view kJsonWhitespace = " \t\n\r";

// The depth (as json_depth) and the number of objects and arrays of `text`,
// in one pass without parsing; stops counting past either limit. Also the
// first top-level object's or array's members and where it ends.
struct JsonShape {
  int depth = 0;
  size_t containers = 0;
  size_t members = 0;                   // of the first top-level object or array
  size_t end = std::string_view::npos;  // just after it; npos: not closed
};
JsonShape json_shape(std::string_view text, int depth_limit = kMaxJsonDepth,
                     size_t container_limit = kMaxJsonContainers);

// Parses `text`: the value, or nullopt with `problem` saying why (not JSON,
// nested deeper than kMaxJsonDepth levels, more than kMaxJsonContainers
// objects and arrays).
template <class J = nlohmann::json>
std::optional<J> parse_json(std::string_view text, std::string& problem) {
  const JsonShape shape = json_shape(text);
  if (shape.depth > kMaxJsonDepth) {
    problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return std::nullopt;
  }
  if (shape.containers > kMaxJsonContainers) {
    problem = "more than " + std::to_string(kMaxJsonContainers) + " objects and arrays";
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
