// What mtec-publish sends for one frame, and what it forwards for one /set
// command, as pure functions: the legacy state topics and payloads
// (tests/contract/CONTRACT.md §3), the device that discovery describes, the
// NDJSON command line for mtec-write. The MQTT session that sends them is
// session.hpp; the topics come from topics.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mtec/base/float_format.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/mqtt/discovery.hpp"

namespace mtec::mqtt {

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

// The reading as one JSON object (MQTT_JSON): <root>/<serial>/<group> =
// {"ts":..,"serial":..,"group":..,"values":{..}} with the values the state
// messages carry, as JSON numbers, strings and booleans ("ts" left out when
// the frame has none); nullopt when there are no values.
std::optional<StateMessage> reading_message(const Json& values, const std::string& ts,
                                            const std::string& root, const std::string& serial,
                                            const std::string& group);

// Why a frame cannot become topics: "serial 'a/b'", "group '#'", "key '+'"
// (no valid topic level), or "" when it can.
std::string unpublishable_level(const std::string& serial, const std::string& group,
                                const Json& values);

// The device discovery describes, from a static frame's values: `base` with
// equipment and firmware filled in; nullopt unless serial_no, equipment_info
// and firmware_version are all there.
std::optional<DiscoveryOptions> device_from_static(const Json& values, DiscoveryOptions base);

// A /set payload longer than this is refused before it is looked at (every
// valid value is far shorter).
constexpr size_t kMaxCommandPayload = 64;
// A command line, newline included, is at most PIPE_BUF bytes, so one
// write() to the commands FIFO is atomic: never half a line.
constexpr size_t kMaxCommandLine = 4096;

// The NDJSON line (without newline) that forwards a /set command on `topic`
// to mtec-write --stdin: {"ts","key","value","topic"}, the payload as it
// came (mtec-write validates and encodes it, command_input.hpp; it reads
// every field). Checked here is only what mtec-publish alone knows: nullopt
// when `topic` is not the command topic that discovery announces for a key
// of `serial` (wrong serial or group, an empty level, no command topic at
// all); Error(usage) for an unknown or calculated key, Error(no_perm) for a
// read-only one, Error(data) for a payload over kMaxCommandPayload bytes or
// not UTF-8, or a line over kMaxCommandLine.
std::optional<std::string> command_line(const Catalog& catalog, const std::string& topic,
                                        const std::string& payload, const std::string& root,
                                        const std::string& serial,
                                        std::chrono::system_clock::time_point now);

}  // namespace mtec::mqtt
