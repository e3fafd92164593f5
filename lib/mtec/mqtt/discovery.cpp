#include "mtec/mqtt/discovery.hpp"

#include <fmt/format.h>

#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {

std::string python_json_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0x80) {  // decode UTF-8 (input is valid UTF-8 from the catalog and decoder)
      if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F;
        n = 2;
      } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
        n = 3;
      } else {
        cp = c & 0x07;
        n = 4;
      }
      for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    i += n;
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0x10000)) {
      if (cp == 0x7F)
        out += static_cast<char>(cp);
      else
        out += fmt::format("\\u{:04x}", cp);
    } else if (cp >= 0x10000) {
      const uint32_t v = cp - 0x10000;
      out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
    } else {
      out += static_cast<char>(cp);
    }
  }
  return out + "\"";
}

namespace {

// A JSON object written with Python's default separators, keys in insertion order.
class PyObject {
 public:
  PyObject& raw(const std::string& key, const std::string& json) {
    body_ += fmt::format("{}{}: {}", body_.empty() ? "" : ", ", python_json_string(key), json);
    return *this;
  }
  PyObject& str(const std::string& key, const std::string& v) {
    return raw(key, python_json_string(v));
  }
  PyObject& opt(const std::string& key, const std::string& v) {
    return v.empty() ? *this : str(key, v);
  }
  PyObject& boolean(const std::string& key, bool v) { return raw(key, v ? "true" : "false"); }
  std::string text() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

std::vector<std::string> platforms_of(const Register& r) {
  const std::string& c = r.hass_component_type;
  if (c == "number") return {"number", "sensor"};
  if (c == "select") return {"select", "sensor"};
  if (c == "switch") return {"switch", "binary_sensor"};
  if (c == "binary_sensor") return {"binary_sensor"};
  return {"sensor"};
}

}  // namespace

std::vector<DiscoveryMessage> discovery_messages(const Catalog& catalog,
                                                 const DiscoveryOptions& o) {
  const std::string device = PyObject()
                                 .raw("identifiers", "[" + python_json_string(o.serial) + "]")
                                 .str("manufacturer", "M-TEC")
                                 .str("model", "Energy-Butler")
                                 .str("model_id", o.equipment)
                                 .str("name", o.device_name)
                                 .str("serial_number", o.serial)
                                 .str("sw_version", o.firmware)
                                 .text();
  std::vector<DiscoveryMessage> out;
  for (const auto& r : catalog.entries()) {
    if (!r.has_discovery()) continue;
    const std::string id = o.serial_unique_ids ? fmt::format("MTEC_{}_{}", o.serial, r.mqtt)
                                               : fmt::format("MTEC_{}", r.mqtt);
    const std::string state =
        mqtt::state_topic(o.mqtt_topic, o.serial, group_name(r.group), r.mqtt);
    const std::string command =
        mqtt::set_topic(o.mqtt_topic, o.serial, group_name(r.group), r.mqtt);
    for (const auto& platform : platforms_of(r)) {
      PyObject p;
      DiscoveryMessage m;
      m.topic = mqtt::discovery_topic(o.hass_base_topic, platform, id);
      if (platform == "sensor") {
        p.raw("device", device)
            .boolean("enabled_by_default", true)
            .str("name", r.name)
            .str("state_topic", state)
            .str("unique_id", id)
            .str("unit_of_measurement", r.unit)
            .opt("device_class", r.hass_device_class)
            .opt("value_template", r.hass_value_template)
            .opt("state_class", r.hass_state_class);
      } else if (platform == "binary_sensor") {
        p.raw("device", device)
            .boolean("enabled_by_default", true)
            .str("name", r.name)
            .str("state_topic", state)
            .str("unique_id", id)
            .opt("device_class", r.hass_device_class)
            .opt("payload_on", r.hass_payload_on)
            .opt("payload_off", r.hass_payload_off);
      } else if (platform == "number") {
        p.str("command_topic", command)
            .raw("device", device)
            .boolean("enabled_by_default", false)
            .str("mode", "box")
            .str("name", r.name)
            .str("state_topic", state)
            .str("unique_id", id)
            .str("unit_of_measurement", r.unit)
            .opt("device_class", r.hass_device_class);
        m.command_topic = command;
      } else if (platform == "select") {
        std::string options;
        for (const auto& [code, label] : r.value_items)
          options += (options.empty() ? "" : ", ") + python_json_string(label);
        p.str("command_topic", command)
            .raw("device", device)
            .boolean("enabled_by_default", false)
            .str("name", r.name)
            .raw("options", "[" + options + "]")
            .str("state_topic", state)
            .str("unique_id", id);
        m.command_topic = command;
      } else {  // switch
        p.str("command_topic", command)
            .raw("device", device)
            .boolean("enabled_by_default", false)
            .str("name", r.name)
            .str("state_topic", state)
            .str("unique_id", id)
            .opt("device_class", r.hass_device_class)
            .opt("payload_on", r.hass_payload_on)
            .opt("payload_off", r.hass_payload_off);
        m.command_topic = command;
      }
      if (!o.availability_topic.empty())  // after the legacy keys; HA takes any order
        p.str("availability_topic", o.availability_topic)
            .str("payload_available", "online")
            .str("payload_not_available", "offline");
      m.payload = p.text();
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace mtec::mqtt
