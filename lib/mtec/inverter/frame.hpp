// Frames: one JSON object per line (NDJSON), one read of one register group
// at one instant. See man/mtec-frames.5.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/group.hpp"
#include "mtec/inverter/value.hpp"

namespace mtec {

// --- Interface ---

using Json = nlohmann::ordered_json;

// What could not be read, for the frame's "errors" list.
struct FrameError {
  std::optional<uint16_t> start;  // request range, when a Modbus request failed
  uint16_t count = 0;
  std::vector<std::string> keys;  // mqtt keys left out
  std::string cls;                // class_name(ErrorClass) or "missing-input", "undecodable"
  std::string message;
  int exception = 0;  // Modbus exception code, if any
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

}  // namespace mtec
