// A /set message from MQTT: topic and payload (split at the first newline)
// through both stages of the command path: the line mtec-publish writes to
// the commands FIFO (mqtt::command_line), read back by mtec-write
// (parse_command_line: every field as sent) and encoded there, once.
#include <chrono>
#include <cstdint>
#include <string>

#include "mtec/base/errors.hpp"
#include "mtec/base/utf8.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/command_input.hpp"
#include "mtec/mqtt/state_messages.hpp"
#include "mtec/mqtt/topics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mtec::Catalog catalog = mtec::load_catalog(std::nullopt);
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string topic = input.substr(0, nl);
  const std::string payload = nl == std::string::npos ? "" : input.substr(nl + 1);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  for (const char* root : {"MTEC", "pv/mtec"}) {
    const auto levels = mtec::mqtt::parse_set_topic(topic, root);
    if (!levels) continue;
    std::optional<std::string> line;
    try {
      line = mtec::mqtt::command_line(catalog, topic, payload, root, levels->serial, now);
    } catch (const mtec::Error&) {
      continue;  // refused by mtec-publish
    }
    if (!line) continue;
    const mtec::CommandLine c = mtec::parse_command_line(*line);  // never refuses its own lines
    // (a topic that is no UTF-8, never one from the broker, is written with U+FFFD)
    if (c.key != levels->key || c.value != payload || c.ts != now ||
        (mtec::valid_utf8(topic) && c.topic != topic))
      __builtin_trap();
    try {
      const auto w = mtec::encode_write(catalog, c.key, c.value);
      if (w.words.empty() || w.words.size() > 2) __builtin_trap();
      (void)mtec::describe_words(*w.reg, w.words);
    } catch (const mtec::Error&) {
    }
  }
  return 0;
}
