// Home Assistant discovery messages exactly as the legacy bridge sends them
// (tests/contract/CONTRACT.md §4, D1): topics, key order, Python json.dumps separators and
// \uXXXX escapes.
#pragma once

#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"

namespace mtec::mqtt {

// --- Interface ---

// (filled from the session's options: session_options.hpp's discovery_options)
struct DiscoveryOptions {
  std::string hass_base_topic, mqtt_topic;  // HASS_BASE_TOPIC, MQTT_TOPIC
  std::string serial, equipment, firmware;
  bool serial_unique_ids = false;  // --unique-ids serial: MTEC_<serial>_<key>
  std::string device_name;
  // HASS_AVAILABILITY: every payload declares this topic with the payloads
  // online/offline; empty: the legacy payloads, byte for byte.
  std::string availability_topic;
};

struct DiscoveryMessage {
  std::string topic;
  std::string payload;
  std::string command_topic;  // "" when the platform takes no commands
};

// The discovery messages of `catalog` in the legacy order (98 for the
// shipped catalog).
std::vector<DiscoveryMessage> discovery_messages(const Catalog& catalog, const DiscoveryOptions& o);

// A string as Python's json.dumps writes it (ASCII only, \u00b0 escapes).
std::string python_json_string(const std::string& utf8);

}  // namespace mtec::mqtt
