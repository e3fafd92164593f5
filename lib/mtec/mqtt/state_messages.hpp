// What mtec-publish sends for one frame, and what it forwards for one /set
// command, as pure functions: the legacy state topics and payloads
// (tests/contract/CONTRACT.md §3), the device that discovery describes, the
// NDJSON command line for mtec-write. The MQTT session stays in the tool.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/format.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/mqtt/discovery.hpp"

namespace mtec {

// --- Interface ---

struct StateMessage {
  std::string topic, payload;  // published unretained
};

// One message per value of `values` (a frame's "values" object, in its
// order): <root>/<serial>/<group>/<key>/state = the legacy payload.
// Values that are no scalar are skipped.
std::vector<StateMessage> state_messages(const Json& values, const std::string& root,
                                         const std::string& serial, const std::string& group,
                                         const FloatFormat& float_format);

// Why a frame cannot become topics: "serial 'a/b'", "group '#'", "key '+'"
// (no valid topic level), or "" when it can.
std::string unpublishable_level(const std::string& serial, const std::string& group,
                                const Json& values);

// The device discovery describes, from a static frame's values: `base` with
// equipment and firmware filled in; nullopt unless serial_no, equipment_info
// and firmware_version are all there.
std::optional<DiscoveryOptions> device_from_static(const Json& values, DiscoveryOptions base);

// The NDJSON line (without newline) that forwards a /set command on `topic`
// to mtec-write: ts, key, value, address, words, topic. Throws Error(usage)
// for an unknown or calculated key, and what encode_write throws for a value
// the register does not take. nullopt when `topic` is no command topic.
std::optional<std::string> command_line(const Catalog& catalog, const std::string& topic,
                                        const std::string& payload, const std::string& root,
                                        std::chrono::system_clock::time_point now);

}  // namespace mtec
