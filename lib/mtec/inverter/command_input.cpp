#include "mtec/inverter/command_input.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/json_input.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
inline namespace inverter {

CommandLine parse_command_line(std::string_view line) {
  std::string problem;
  const auto j = parse_json(line, problem);
  if (!j) throw Error(ErrorClass::data, problem);
  const auto key = string_at(*j, "key");
  const auto v = j->find("value");
  if (!key || v == j->end() || !(v->is_string() || v->is_number()))
    throw Error(ErrorClass::data, "not a command {\"key\":...,\"value\":...}");
  CommandLine c;
  c.key = *key;
  c.value = v->is_string() ? v->get<std::string>() : v->dump();
  if (j->contains("ts")) {
    const auto ts = string_at(*j, "ts");
    c.ts = ts ? parse_timestamp(*ts) : std::nullopt;
    if (!c.ts) throw Error(ErrorClass::data, "\"ts\" is no timestamp like 2026-11-30T16:20:00Z");
  }
  if (j->contains("topic")) {
    const auto topic = string_at(*j, "topic");
    if (!topic) throw Error(ErrorClass::data, "\"topic\" is no string");
    c.topic = *topic;
  }
  return c;
}

CommandInput::CommandInput(const Catalog& catalog, Metrics& metrics, RepeatedWarnings& repeats,
                           BadLine bad_line)
    : catalog_(catalog), metrics_(metrics), repeats_(repeats), bad_line_(std::move(bad_line)) {}

std::optional<QueuedCommand> CommandInput::take(std::string_view line) {
  std::optional<CommandLine> c;
  try {
    c = parse_command_line(line);
    return QueuedCommand{encode_write(catalog_, c->key, c->value), c->ts, ++seq_};
  } catch (const Error& e) {
    metrics_.add(metric::kWrites, 1, "result=\"refused\"");
    if (c && !c->topic.empty()) {
      // the same bad command again and again: once, then a count a minute
      const std::string told =
          fmt::format("command on {} rejected: {}", untrusted(c->topic), e.what());
      repeats_.warn("rejected", told, told);
    } else {
      bad_line_(e.what());
    }
    return std::nullopt;
  }
}

}  // namespace inverter
}  // namespace mtec
