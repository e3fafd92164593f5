// Configuration: the legacy config.yaml keys, MTEC_<KEY> environment
// overrides and command-line flags, in that order of increasing precedence.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtec/config/config_keys.hpp"

namespace mtec {
inline namespace config {

// --- Interface ---

// Reads an environment variable; nullopt when unset. Injected for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Where a config file is looked for when neither --config nor $MTEC_CONFIG
// names one, first match wins: $CREDENTIALS_DIRECTORY/config.yaml (systemd's
// LoadCredential=), ./config.yaml, $XDG_CONFIG_HOME/aiomtec2mqtt/config.yaml,
// ~/.config/aiomtec2mqtt/config.yaml, /etc/mtec/config.yaml.
std::vector<std::string> config_search_path(const EnvLookup& env);

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

}  // namespace config
}  // namespace mtec
