#include "mtec/mqtt/topics.hpp"

#include <fmt/format.h>

namespace mtec::mqtt {

std::string state_topic(std::string_view root, std::string_view serial, std::string_view group,
                        std::string_view key) {
  // "{root}/{serial}/{group}/{key}/state", once per value and cycle: joined, not formatted
  std::string t;
  t.reserve(root.size() + serial.size() + group.size() + key.size() + 9);
  t.append(root).append("/").append(serial).append("/").append(group).append("/");
  return t.append(key).append("/state");
}

std::string set_topic(std::string_view root, std::string_view serial, std::string_view group,
                      std::string_view key) {
  return fmt::format("{}/{}/{}/{}/set", root, serial, group, key);
}

std::string set_subscription(std::string_view root, std::string_view serial) {
  return fmt::format("{}/{}/+/+/set", root, serial);
}

std::string discovery_topic(std::string_view hass_base, std::string_view platform,
                            std::string_view id) {
  return fmt::format("{}/{}/{}/config", hass_base, platform, id);
}

std::string availability_topic(std::string_view root, std::string_view client_id) {
  return fmt::format("{}/{}/availability", root, client_id);
}

std::string group_topic(std::string_view root, std::string_view serial, std::string_view group) {
  return fmt::format("{}/{}/{}", root, serial, group);
}

std::string hass_status_topic(std::string_view hass_base) {
  return fmt::format("{}/status", hass_base);
}

std::string will_topic(std::string_view hass_base, std::string_view root,
                       std::string_view client_id, bool availability) {
  return availability ? availability_topic(root, client_id)
                      : fmt::format("{}/status/lwt", hass_base);
}

std::string barrier_topic(std::string_view root, std::string_view serial) {
  return fmt::format("{}/{}/mtec-publish-barrier", root, serial);
}

std::optional<SetTopic> parse_set_topic(std::string_view topic, std::string_view root) {
  if (topic.size() <= root.size() || topic.substr(0, root.size()) != root ||
      topic[root.size()] != '/')
    return std::nullopt;
  std::string_view rest = topic.substr(root.size() + 1);
  std::string_view levels[3];  // serial, group, key
  for (auto& level : levels) {
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    level = rest.substr(0, slash);
    rest.remove_prefix(slash + 1);
  }
  if (rest != "set") return std::nullopt;
  return SetTopic{std::string(levels[0]), std::string(levels[1]), std::string(levels[2])};
}

}  // namespace mtec::mqtt
