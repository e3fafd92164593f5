#include "mtec/config/config_keys.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace mtec {
inline namespace config {

namespace {

int key_integer(const std::string& v, long lo, long hi) {
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi)
    throw KeyRuleBroken{fmt::format("must be an integer {}..{}", lo, hi)};
  return static_cast<int>(n);
}

// Row builders: one per kind of value, each with its rule.
ConfigKey int_key(const char* name, const char* fallback, int Settings::*member, long lo, long hi) {
  return {name, fallback, false, [member, lo, hi](const std::string& v, Settings& s) {
            s.*member = key_integer(v, lo, hi);
          }};
}

double key_number(const std::string& v, bool& ok) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  ok = !v.empty() && *end == '\0';
  return d;
}

// A duration up to `hi`, above `lo` (or from `lo` with Lower::inclusive).
enum class Lower { exclusive, inclusive };
ConfigKey seconds_key(const char* name, const char* fallback, Seconds Settings::*member, double lo,
                      double hi, Lower lower = Lower::exclusive) {
  return {name, fallback, false, [member, lo, hi, lower](const std::string& v, Settings& s) {
            bool ok = false;
            const double d = key_number(v, ok);
            const bool above = lower == Lower::inclusive ? d >= lo : d > lo;
            if (!ok || !above || d > hi)
              throw KeyRuleBroken{lower == Lower::inclusive
                                      ? fmt::format("must be a number {}..{}", lo, hi)
                                      : fmt::format("must be a number > {} and <= {}", lo, hi)};
            s.*member = Seconds(d);
          }};
}

ConfigKey bool_key(const char* name, const char* fallback, bool Settings::*member) {
  return {
      name, fallback, false, [member](const std::string& v, Settings& s) {
        if (v == "true" || v == "True" || v == "TRUE" || v == "1" || v == "yes")
          s.*member = true;
        else if (v == "false" || v == "False" || v == "FALSE" || v == "0" || v == "no" || v.empty())
          s.*member = false;
        else
          throw KeyRuleBroken{"must be true or false"};
      }};
}

ConfigKey string_key(const char* name, const char* fallback, std::string Settings::*member,
                     bool secret = false) {
  return {name, fallback, secret, [member](const std::string& v, Settings& s) { s.*member = v; }};
}

// One of the words of `words` (word -> what it means: the legacy's words
// map to ours).
ConfigKey choice_key(const char* name, const char* fallback, std::string Settings::*member,
                     std::vector<std::pair<std::string, std::string>> words, const char* rule) {
  return {name, fallback, false,
          [member, words = std::move(words), rule](const std::string& v, Settings& s) {
            for (const auto& [word, meaning] : words)
              if (v == word) {
                s.*member = meaning;
                return;
              }
            throw KeyRuleBroken{rule};
          }};
}

std::vector<ConfigKey> make_keys() {
  std::vector<ConfigKey> k;
  k.push_back(string_key("MODBUS_IP", "", &Settings::modbus_ip));
  k.push_back(int_key("MODBUS_PORT", "502", &Settings::modbus_port, 1, 65535));
  k.push_back({"MODBUS_PORT2", "", false, [](const std::string& v, Settings& s) {
                 s.modbus_port2.reset();  // empty: no fallback port
                 if (!v.empty()) s.modbus_port2 = key_integer(v, 1, 65535);
               }});
  k.push_back(int_key("MODBUS_SLAVE", "247", &Settings::modbus_slave, 0, 255));
  k.push_back(seconds_key("MODBUS_TIMEOUT", "5", &Settings::modbus_timeout, 0, 600));
  k.push_back(int_key("MODBUS_RETRIES", "3", &Settings::modbus_retries, 0, 20));
  k.push_back(choice_key("MODBUS_FRAMER", "tcp", &Settings::modbus_framer,
                         {{"tcp", "tcp"}, {"socket", "tcp"}, {"rtu", "rtu"}},
                         "must be tcp or rtu (the legacy socket means tcp)"));
  k.push_back(int_key("MODBUS_MAX_GAP", "10", &Settings::modbus_max_gap, 0, 124));
  k.push_back(string_key("MQTT_SERVER", "localhost", &Settings::mqtt_server));
  k.push_back(int_key("MQTT_PORT", "1883", &Settings::mqtt_port, 1, 65535));
  k.push_back(string_key("MQTT_LOGIN", "", &Settings::mqtt_login));
  k.push_back(string_key("MQTT_PASSWORD", "", &Settings::mqtt_password, true));
  k.push_back({"MQTT_TOPIC", "MTEC", false, [](const std::string& v, Settings& s) {
                 if (v.empty()) throw KeyRuleBroken{"must not be empty"};
                 s.mqtt_topic = v;
               }});
  k.push_back({"MQTT_FLOAT_FORMAT", ".3f", false, [](const std::string& v, Settings& s) {
                 s.float_format = FloatFormat::parse(v);  // its Error names the spec
               }});
  k.push_back(string_key("MQTT_CLIENT_ID", "M-TEC-MQTT", &Settings::mqtt_client_id));
  k.push_back(bool_key("MQTT_JSON", "false", &Settings::mqtt_json));
  k.push_back(seconds_key("REFRESH_NOW", "10", &Settings::refresh_now, 0, 86400));
  k.push_back(seconds_key("REFRESH_CONFIG", "30", &Settings::refresh_config, 0, 86400));
  k.push_back(seconds_key("REFRESH_DAY", "300", &Settings::refresh_day, 0, 86400));
  k.push_back(seconds_key("REFRESH_TOTAL", "300", &Settings::refresh_total, 0, 86400));
  k.push_back(seconds_key("REFRESH_STATIC", "3600", &Settings::refresh_static, 0, 86400));
  k.push_back(bool_key("HASS_ENABLE", "false", &Settings::hass_enable));
  k.push_back(string_key("HASS_BASE_TOPIC", "homeassistant", &Settings::hass_base_topic));
  k.push_back(seconds_key("HASS_BIRTH_GRACETIME", "15", &Settings::hass_birth_gracetime, 0, 600,
                          Lower::inclusive));
  k.push_back(bool_key("HASS_AVAILABILITY", "false", &Settings::hass_availability));
  k.push_back(
      int_key("HASS_AVAILABILITY_PERIODS", "3", &Settings::hass_availability_periods, 1, 1000));
  // 0: no pacing (tests, experts)
  k.push_back(seconds_key("WRITE_MIN_INTERVAL", "5", &Settings::write_min_interval, 0, 3600,
                          Lower::inclusive));
  k.push_back(seconds_key("WRITE_MAX_AGE", "30", &Settings::write_max_age, 0, 86400));
  k.push_back(bool_key("DEBUG", "false", &Settings::debug));
  k.push_back(choice_key("LOG_FORMAT", "text", &Settings::log_format,
                         {{"text", "text"}, {"json", "json"}}, "must be text or json"));
  return k;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = make_keys();
  return keys;
}

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  for (const auto& k : config_keys()) names.emplace_back(k.name);
  return names;
}

}  // namespace config
}  // namespace mtec
