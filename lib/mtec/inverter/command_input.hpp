// mtec-write --stdin's input: the command lines mtec-publish writes to
// --commands-out, {"ts":...,"key":...,"value":...,"topic":...}, each field
// read: "ts" for WRITE_MAX_AGE, "key" and "value" validated and encoded
// (encode_write: the one place a /set value is encoded), "topic" naming the
// /set topic a refused value came from. A line that is no command, or a
// value its register does not take, is refused: counted and told.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/write_queue.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// One command line, read.
struct CommandLine {
  std::optional<WallTime> ts;  // "ts": when it was sent (optional: a line without never expires)
  std::string key;             // "key": mqtt key, address or name of the register
  std::string value;           // "value": the text as published (a JSON number as written)
  std::string topic;           // "topic": the /set topic it came from ("": not from MQTT)
};

// `line` read ("ts" and "topic" optional, other keys ignored). Throws
// Error(data) for a line that is no command.
CommandLine parse_command_line(std::string_view line);

class CommandInput {
 public:
  // LineInput::reject: "line N: <why> (skipped)".
  using BadLine = std::function<void(const std::string& why)>;
  // Refused lines are counted in `metrics` (mtec_writes_total{result=
  // "refused"}, declared by the caller) and told: a value from MQTT (a line
  // with a topic) as "command on <topic> rejected: <why>", the first time,
  // then summed up by `repeats` (the same bad command again and again);
  // any other line through `bad_line`.
  CommandInput(const Catalog& catalog, Metrics& metrics, RepeatedWarnings& repeats,
               BadLine bad_line);

  // The command of `line`, or nullopt when it is refused.
  std::optional<QueuedCommand> take(std::string_view line);

 private:
  const Catalog& catalog_;
  Metrics& metrics_;
  RepeatedWarnings& repeats_;
  BadLine bad_line_;
  uint64_t seq_ = 0;
};

}  // namespace inverter
}  // namespace mtec
