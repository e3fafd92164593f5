// The config keys, one row each: name, default as a config file writes it,
// whether it is a secret, and how a value becomes its member of Settings
// (parser and range). Validation, --show-config, the fallbacks and
// mtec-config(5)'s check all read this one table.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mtec/base/float_format.hpp"

namespace mtec {
inline namespace config {

// The typed settings every tool shares. Defaults are the legacy's, and the
// table's fallbacks parse to exactly these (a unit test shows it).
// Durations as the config writes them: seconds, fractions allowed.
using Seconds = std::chrono::duration<double>;

struct Settings {
  std::string modbus_ip;  // "" or "0.0.0.0": no inverter configured
  int modbus_port = 502;
  std::optional<int> modbus_port2;  // fallback port tried when the first refuses
  int modbus_slave = 247;
  Seconds modbus_timeout{5};
  int modbus_retries = 3;             // retries of a failed request within a cycle
  std::string modbus_framer = "tcp";  // tcp (legacy "socket") or rtu
  int modbus_max_gap = 10;
  std::string mqtt_server = "localhost";
  int mqtt_port = 1883;
  std::string mqtt_login;
  std::string mqtt_password;
  std::string mqtt_topic = "MTEC";
  std::string mqtt_client_id = "M-TEC-MQTT";
  FloatFormat float_format = FloatFormat::legacy_default();
  Seconds refresh_now{10}, refresh_config{30}, refresh_day{300}, refresh_total{300},
      refresh_static{3600};
  bool hass_enable = false;
  std::string hass_base_topic = "homeassistant";
  Seconds hass_birth_gracetime{15};
  bool hass_availability = false;     // availability topic + will (opt-in)
  bool mqtt_json = false;             // also one JSON object per frame (opt-in)
  int hass_availability_periods = 3;  // offline after this many REFRESH_NOW without now-base
  Seconds write_min_interval{5};      // mtec-write --stdin: at most one write per register per
  Seconds write_max_age{30};          // commands older than this (from their ts) are not applied
  bool debug = false;
  std::string log_format = "text";  // mtec2mqtt passes it to every stage (--log-format)

  bool operator==(const Settings&) const = default;
};

// A value that breaks its key's rule: the rule, in words ("must be an
// integer 1..65535"); Config::settings() adds where the value comes from.
struct KeyRuleBroken {
  std::string rule;
};

// A key of config.yaml.
struct ConfigKey {
  const char* name;
  const char* fallback;  // the default, as a config file writes it
  bool secret;           // masked when shown
  // Sets the key's member of `s` from `value`; throws KeyRuleBroken (or
  // Error(config) naming the value, for MQTT_FLOAT_FORMAT).
  std::function<void(const std::string& value, Settings& s)> apply;
};
// Every key the tools know, in the order of the legacy template.
const std::vector<ConfigKey>& config_keys();
// Their names.
std::vector<std::string> key_names();

}  // namespace config
}  // namespace mtec
