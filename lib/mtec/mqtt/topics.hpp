// The MQTT topic layout, in one place: every topic mtec-publish publishes to
// or subscribes to is built here, and a /set topic is parsed back here
// (tests/contract/CONTRACT.md §3, §4; D1: the root is MQTT_TOPIC, which may
// have several levels). The levels are taken as they are: whether a serial,
// group or key can be a level is checked by the caller (valid_topic_level).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mtec::mqtt {

// --- Interface ---

// A value's state: <root>/<serial>/<group>/<key>/state.
std::string state_topic(std::string_view root, std::string_view serial, std::string_view group,
                        std::string_view key);
// A writable value's command topic, as discovery announces it:
// <root>/<serial>/<group>/<key>/set.
std::string set_topic(std::string_view root, std::string_view serial, std::string_view group,
                      std::string_view key);
// The one subscription for every key's commands: <root>/<serial>/+/+/set
// (so that unknown keys are answered with a reason too).
std::string set_subscription(std::string_view root, std::string_view serial);
// A Home Assistant discovery config: <hass_base>/<platform>/<id>/config.
std::string discovery_topic(std::string_view hass_base, std::string_view platform,
                            std::string_view id);
// An instance's availability (HASS_AVAILABILITY): <root>/<client_id>/availability.
std::string availability_topic(std::string_view root, std::string_view client_id);
// A frame as one JSON object (MQTT_JSON): <root>/<serial>/<group>.
std::string group_topic(std::string_view root, std::string_view serial, std::string_view group);
// Home Assistant's birth and last will: <hass_base>/status.
std::string hass_status_topic(std::string_view hass_base);
// The will: the availability topic when availability is on, else the
// legacy's <hass_base>/status/lwt.
std::string will_topic(std::string_view hass_base, std::string_view root,
                       std::string_view client_id, bool availability);
// What the end-of-input barrier unsubscribes when there is no command
// subscription: <root>/<serial>/mtec-publish-barrier.
std::string barrier_topic(std::string_view root, std::string_view serial);

// The levels of a /set topic.
struct SetTopic {
  std::string serial, group, key;
  bool operator==(const SetTopic&) const = default;
};

// `topic` parsed as <root>/<serial>/<group>/<key>/set; nullopt when it does
// not start with `root` and a '/', has more or fewer levels, or does not end
// in /set. A level may be empty (a '+' subscription matches an empty level):
// set_topic(root, s, g, k) parses back to {s, g, k}.
std::optional<SetTopic> parse_set_topic(std::string_view topic, std::string_view root);

}  // namespace mtec::mqtt
