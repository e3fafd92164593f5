// Frames: one JSON object per line (NDJSON), one read of one register group
// at one instant. See man/mtec-frames.5.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/group.hpp"
#include "mtec/inverter/value.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

using Json = nlohmann::ordered_json;

// The classes only frames name: what went wrong after the request.
enum class FrameOnlyClass {
  undecodable,    // the words read do not decode as the register's type (mtec-read)
  missing_input,  // an input of a calculated value is not in the frame (mtec-calc)
  formula,        // a calculated value's formula failed (mtec-calc)
};

// The class of a frame error: a failed request's ErrorClass, or one of the above.
using FrameErrorClass = std::variant<ErrorClass, FrameOnlyClass>;

// The class as a frame's "class" string (a wire name): class_name() of an
// ErrorClass, or undecodable, missing-input, formula.
std::string_view frame_class_name(const FrameErrorClass& cls);
// The class whose frame_class_name() is exactly `name`; nullopt for any other
// text. Nothing requires it of input frames: their "errors" pass through as
// they are, whatever their classes (another stage may have its own).
std::optional<FrameErrorClass> parse_frame_class(std::string_view name);

// What could not be read, for the frame's "errors" list.
struct FrameError {
  std::optional<uint16_t> start;  // request range, when a Modbus request failed
  uint16_t count = 0;
  std::vector<std::string> keys;               // mqtt keys left out
  FrameErrorClass cls = ErrorClass::software;  // always set by whoever makes the error
  std::string message;
  int exception = 0;  // Modbus exception code, if any

  // Whether the class is the request failure `c`.
  bool is(ErrorClass c) const { return cls == FrameErrorClass{c}; }
};

struct Frame {
  std::string ts;      // "2026-11-30T16:20:00.123Z"
  std::string serial;  // empty when unknown
  Group group = Group::now_base;
  std::vector<std::pair<std::string, Value>> values;  // in catalog order
  std::map<uint16_t, std::vector<uint16_t>> raw;      // --raw: address -> words
  std::vector<FrameError> errors;
};

// UTC timestamp with milliseconds, as frames carry it.
std::string iso_timestamp(std::chrono::system_clock::time_point t);
// Parse such a timestamp (also without milliseconds); nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(const std::string& ts);

Json to_json(const Value& v);
// A frame value from JSON; nullopt for arrays, objects, null.
std::optional<Value> value_from_json(const Json& j);

Json frame_to_json(const Frame& f);
Json error_to_json(const FrameError& e);

// Why `j` is not a frame ("" when it is one).
std::string frame_problem(const Json& j);
// Parse one input line as a frame into `frame`; returns why it is not one
// ("" when it is).
std::string parse_frame(const std::string& line, Json& frame);
// A frame as one NDJSON line (without the newline): compact, key order kept,
// invalid UTF-8 from outside replaced (U+FFFD) rather than thrown on.
std::string frame_line(const Json& frame);
std::string frame_line(const Frame& f);

}  // namespace inverter
}  // namespace mtec
