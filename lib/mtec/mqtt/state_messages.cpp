#include "mtec/mqtt/state_messages.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/topic.hpp"
#include "mtec/base/utf8.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/format.hpp"
#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {

std::vector<StateMessage> state_messages(const Json& values, const std::string& root,
                                         const std::string& serial, const std::string& group,
                                         const FloatFormat& float_format) {
  std::vector<StateMessage> out;
  for (const auto& [key, v] : values.items()) {
    const auto value = value_from_json(v);
    if (!value) continue;
    out.push_back(
        {mqtt::state_topic(root, serial, group, key), format_payload(*value, float_format)});
  }
  return out;
}

std::optional<StateMessage> reading_message(const Json& values, const std::string& ts,
                                            const std::string& root, const std::string& serial,
                                            const std::string& group) {
  Json shown = Json::object();
  for (const auto& [key, v] : values.items())
    if (value_from_json(v)) shown[key] = v;
  if (shown.empty()) return std::nullopt;
  Json reading = Json::object();
  if (!ts.empty()) reading["ts"] = ts;  // a frame without one: no made-up time
  reading["serial"] = serial;
  reading["group"] = group;
  reading["values"] = std::move(shown);
  return StateMessage{mqtt::group_topic(root, serial, group), frame_line(reading)};
}

std::string unpublishable_level(const std::string& serial, const std::string& group,
                                const Json& values) {
  // what is refused is shown as text logs show outside values: escaped, cut
  if (!valid_topic_level(serial)) return "serial '" + untrusted(serial) + "'";
  if (!valid_topic_level(group)) return "group '" + untrusted(group) + "'";
  for (const auto& [key, v] : values.items())
    if (!valid_topic_level(key)) return "key '" + untrusted(key) + "'";
  return {};
}

std::optional<DiscoveryOptions> device_from_static(const Json& values, DiscoveryOptions base) {
  if (!values.is_object() || !values.contains("serial_no") || !values.contains("equipment_info") ||
      !values.contains("firmware_version"))
    return std::nullopt;
  auto text = [&values](const char* key) {
    return values[key].is_string() ? values[key].get<std::string>() : std::string();
  };
  base.equipment = text("equipment_info");
  base.firmware = text("firmware_version");
  return base;
}

std::optional<std::string> command_line(const Catalog& catalog, const std::string& topic,
                                        const std::string& payload, const std::string& root,
                                        const std::string& serial,
                                        std::chrono::system_clock::time_point now) {
  const auto levels = mqtt::parse_set_topic(topic, root);
  if (!levels) return std::nullopt;
  const std::string& key = levels->key;
  const Register* r = catalog.by_mqtt(key);
  if (r && r->address && (levels->serial != serial || levels->group != group_name(r->group)))
    return std::nullopt;
  if (!r || !r->address)
    throw Error(ErrorClass::usage, fmt::format("unknown register '{}'", untrusted(key)));
  if (payload.size() > kMaxCommandPayload)
    throw Error(ErrorClass::data, fmt::format("a payload of {} bytes (at most {})", payload.size(),
                                              kMaxCommandPayload));
  check_writable(*r);
  // the line is JSON text: bytes that are no UTF-8 are no label or number either
  if (!valid_utf8(payload))
    throw Error(ErrorClass::data, fmt::format("{} ({}): '{}' is not UTF-8 text", r->mqtt,
                                              *r->address, untrusted(payload)));
  // the value as it came: mtec-write validates and encodes it (once)
  Json line;
  line["ts"] = iso_timestamp(now);
  line["key"] = key;
  line["value"] = payload;
  line["topic"] = topic;
  std::string text = frame_line(line);    // (a topic that is no UTF-8 cannot come: replaced)
  if (text.size() + 1 > kMaxCommandLine)  // a long MQTT_TOPIC or serial
    throw Error(ErrorClass::data, fmt::format("the command line would be {} bytes (at most {})",
                                              text.size() + 1, kMaxCommandLine));
  return text;
}

}  // namespace mtec::mqtt
