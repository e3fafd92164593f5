// Configuration: the legacy config.yaml keys, MTEC_<KEY> environment
// overrides and command-line flags, in that order of increasing precedence.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/format.hpp"

namespace mtec {

// --- Interface ---

// Reads an environment variable; nullopt when unset. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// A key of config.yaml: its name, its default as written in a config file,
// and whether its value is a secret (masked when shown).
struct ConfigKey {
  const char* name;
  const char* fallback;
  bool secret;
};
// Every key the tools know, in the order of the legacy template.
const std::vector<ConfigKey>& config_keys();
// Their names.
std::vector<std::string> key_names();

// Where a config file is looked for when neither --config nor $MTEC_CONFIG
// names one, first match wins: $CREDENTIALS_DIRECTORY/config.yaml (systemd's
// LoadCredential=), ./config.yaml, $XDG_CONFIG_HOME/aiomtec2mqtt/config.yaml,
// ~/.config/aiomtec2mqtt/config.yaml, /etc/mtec/config.yaml.
std::vector<std::string> config_search_path(const EnvLookup& env);

// The typed settings every tool shares. Defaults are the legacy's.
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
};

struct ConfigSource {
  std::optional<std::string> file;    // the file used, if any
  std::vector<std::string> warnings;  // unknown keys, ...
};

// Raw key -> value layers, merged by precedence.
class Config {
 public:
  // Find and read the config file: `explicit_path` (--config) or $MTEC_CONFIG
  // must exist (Error no_input); otherwise the first existing file of
  // config_search_path(); none is fine. A file that exists but cannot be read
  // is Error(no_input) with the reason; invalid YAML is Error(config) with
  // file:line.
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

  // Where the effective value of KEY comes from: "command line",
  // "environment MTEC_KEY", "FILE:LINE" or "default".
  std::string origin(const std::string& key) const;
  // Every key with its effective value and origin, one "KEY: \"value\"  # origin"
  // line each after a "# config file: ..." line: itself a valid config.yaml.
  // Secrets are masked.
  std::string describe() const;
  // When the config file holds a secret (MQTT_PASSWORD) and group or others
  // may read it: a warning naming the file and the fix (chmod 600). Files
  // systemd hands over as credentials ($CREDENTIALS_DIRECTORY) are its own.
  std::optional<std::string> exposed_secret_warning() const;
  // When a config file is used and nothing sets MODBUS_FRAMER: which framing
  // is used, that aiomtec2mqtt's default was rtu, and how to find out.
  std::optional<std::string> framer_notice() const;

 private:
  std::map<std::string, std::string> file_;
  std::map<std::string, int> file_lines_;
  std::map<std::string, std::string> flags_;
  EnvLookup env_;
  ConfigSource source_;
};

}  // namespace mtec
