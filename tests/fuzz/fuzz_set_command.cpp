// A /set message from MQTT: topic and payload (split at the first newline)
// to the register write mtec-publish would pass on.
#include <cstdint>
#include <string>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/mqtt/topics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mtec::Catalog catalog = mtec::load_catalog(std::nullopt);
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string topic = input.substr(0, nl);
  const std::string payload = nl == std::string::npos ? "" : input.substr(nl + 1);
  for (const char* root : {"MTEC", "pv/mtec"}) {
    const auto levels = mtec::mqtt::parse_set_topic(topic, root);
    if (!levels) continue;
    try {
      const auto w = mtec::encode_write(catalog, levels->key, payload);
      if (w.words.empty() || w.words.size() > 2) __builtin_trap();
      (void)mtec::describe_words(*w.reg, w.words);
    } catch (const mtec::Error&) {
    }
  }
  return 0;
}
