#include "mtec/mqtt/session_options.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/topic.hpp"
#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {

Broker broker_of(const Options& o) {
  const Settings& s = o.settings;
  Broker b;
  b.host = s.mqtt_server;
  b.port = s.mqtt_port;
  b.client_id = s.mqtt_client_id;
  if (s.mqtt_login.find_first_not_of(' ') != std::string::npos) {
    b.username = s.mqtt_login;
    b.password = s.mqtt_password;
  }
  b.tls = o.tls;
  return b;
}

std::chrono::milliseconds stale_after(const Settings& s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(s.refresh_now *
                                                               s.hass_availability_periods);
}

std::string availability_topic(const Options& o) {
  const std::string& id = o.settings.mqtt_client_id;
  if (!valid_topic_level(id))
    throw Error(ErrorClass::config,
                fmt::format("MQTT_CLIENT_ID '{}' is a level of the availability topic: no '/', '+' "
                            "or '#' in it",
                            id));
  return mqtt::availability_topic(o.settings.mqtt_topic, id);
}

std::string will_topic(const Options& o) {
  const Settings& s = o.settings;
  if (s.hass_availability) return availability_topic(o);  // its client id checked
  return mqtt::will_topic(s.hass_base_topic, s.mqtt_topic, s.mqtt_client_id, false);
}

DiscoveryOptions discovery_options(const Options& o, const std::string& serial) {
  DiscoveryOptions d;
  d.hass_base_topic = o.settings.hass_base_topic;
  d.mqtt_topic = o.settings.mqtt_topic;
  d.serial = serial;
  d.serial_unique_ids = o.serial_unique_ids;
  d.device_name = o.device_name;
  if (o.settings.hass_availability) d.availability_topic = availability_topic(o);
  return d;
}

}  // namespace mtec::mqtt
