// Configuration: the legacy config.yaml keys, MTEC_<KEY> environment
// overrides and command-line flags, in that order of increasing precedence.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtec/format.hpp"

namespace mtec {

// --- Interface ---

// Reads an environment variable; nullopt when unset. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// The typed settings every tool shares. Defaults are the legacy's.
struct Settings {
  std::string modbus_ip;  // "" or "0.0.0.0": no inverter configured
  int modbus_port = 502;
  std::optional<int> modbus_port2;  // fallback port tried when the first refuses
  int modbus_slave = 247;
  double modbus_timeout = 5;          // seconds
  std::string modbus_framer = "tcp";  // tcp (legacy "socket") or rtu
  int modbus_max_gap = 10;
  std::string mqtt_server = "localhost";
  int mqtt_port = 1883;
  std::string mqtt_login;
  std::string mqtt_password;
  std::string mqtt_topic = "MTEC";
  std::string mqtt_client_id = "M-TEC-MQTT";
  FloatFormat float_format = FloatFormat::legacy_default();
  double refresh_now = 10, refresh_config = 30, refresh_day = 300, refresh_total = 300,
         refresh_static = 3600;
  bool hass_enable = false;
  std::string hass_base_topic = "homeassistant";
  double hass_birth_gracetime = 15;
  bool debug = false;
};

struct ConfigSource {
  std::optional<std::string> file;    // the file used, if any
  std::vector<std::string> warnings;  // unknown keys, ...
};

// Raw key -> value layers, merged by precedence.
class Config {
 public:
  // Find and read the config file: `explicit_path` (--config) or $MTEC_CONFIG
  // must exist (Error no_input); otherwise the first existing of
  // ./config.yaml, $XDG_CONFIG_HOME/aiomtec2mqtt/config.yaml,
  // ~/.config/aiomtec2mqtt/config.yaml, /etc/mtec/config.yaml; none is fine.
  // Invalid YAML is Error(config) with file:line.
  static Config load(const std::optional<std::string>& explicit_path, const EnvLookup& env);
  // From YAML text (tests).
  static Config parse(const std::string& text, const std::string& file, const EnvLookup& env);

  // Command-line values win over everything else.
  void set_flag(const std::string& key, const std::string& value) { flags_[key] = value; }

  // The effective raw value of KEY (flag > MTEC_KEY > file), or nullopt.
  std::optional<std::string> raw(const std::string& key) const;

  // Validated settings. Error(config) names the key, its source and the rule.
  Settings settings() const;

  const ConfigSource& source() const { return source_; }

 private:
  std::map<std::string, std::string> file_;
  std::map<std::string, int> file_lines_;
  std::map<std::string, std::string> flags_;
  EnvLookup env_;
  ConfigSource source_;
};

}  // namespace mtec
