#include "mtec/inverter/config.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/suggest.hpp"
#include "mtec/base/yaml_load.hpp"

namespace mtec {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    throw Error(ErrorClass::no_input,
                fmt::format("cannot read config file {}: {}", path, std::strerror(err)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const ConfigKey* find_key(const std::string& name) {
  for (const auto& k : config_keys())
    if (name == k.name) return &k;
  return nullptr;
}

// A YAML double-quoted scalar (JSON string syntax is a subset of it).
std::string yaml_quoted(const std::string& v) {
  std::string out = "\"";
  for (const unsigned char c : v) {
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", static_cast<char>(c));
    else if (c < 0x20)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out + "\"";
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {{"MODBUS_IP", "", false},
                                              {"MODBUS_PORT", "502", false},
                                              {"MODBUS_PORT2", "", false},
                                              {"MODBUS_SLAVE", "247", false},
                                              {"MODBUS_TIMEOUT", "5", false},
                                              {"MODBUS_RETRIES", "3", false},
                                              {"MODBUS_FRAMER", "tcp", false},
                                              {"MODBUS_MAX_GAP", "10", false},
                                              {"MQTT_SERVER", "localhost", false},
                                              {"MQTT_PORT", "1883", false},
                                              {"MQTT_LOGIN", "", false},
                                              {"MQTT_PASSWORD", "", true},
                                              {"MQTT_TOPIC", "MTEC", false},
                                              {"MQTT_FLOAT_FORMAT", ".3f", false},
                                              {"MQTT_CLIENT_ID", "M-TEC-MQTT", false},
                                              {"MQTT_JSON", "false", false},
                                              {"REFRESH_NOW", "10", false},
                                              {"REFRESH_CONFIG", "30", false},
                                              {"REFRESH_DAY", "300", false},
                                              {"REFRESH_TOTAL", "300", false},
                                              {"REFRESH_STATIC", "3600", false},
                                              {"HASS_ENABLE", "false", false},
                                              {"HASS_BASE_TOPIC", "homeassistant", false},
                                              {"HASS_BIRTH_GRACETIME", "15", false},
                                              {"HASS_AVAILABILITY", "false", false},
                                              {"HASS_AVAILABILITY_PERIODS", "3", false},
                                              {"WRITE_MIN_INTERVAL", "5", false},
                                              {"WRITE_MAX_AGE", "30", false},
                                              {"DEBUG", "false", false},
                                              {"LOG_FORMAT", "text", false}};
  return keys;
}

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  for (const auto& k : config_keys()) names.emplace_back(k.name);
  return names;
}

std::vector<std::string> config_search_path(const EnvLookup& env) {
  std::vector<std::string> out;
  if (auto c = env("CREDENTIALS_DIRECTORY"); c && !c->empty()) out.push_back(*c + "/config.yaml");
  out.push_back("config.yaml");
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty())
    out.push_back(*x + "/aiomtec2mqtt/config.yaml");
  if (auto h = env("HOME"); h && !h->empty())
    out.push_back(*h + "/.config/aiomtec2mqtt/config.yaml");
  out.push_back("/etc/mtec/config.yaml");
  return out;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Config Config::parse(const std::string& text, const std::string& file, const EnvLookup& env) {
  Config c;
  c.env_ = env;
  c.source_.file = file;
  const YAML::Node root = load_yaml(text, file);
  if (root.IsNull()) return c;
  if (!root.IsMap())
    throw Error(ErrorClass::config,
                fmt::format("{}:1:1: the config must be a mapping KEY: value", file));
  with_yaml_errors(file, [&] {
    for (const auto& kv : root) {
      const std::string key = yaml_key(kv.first, file);
      const int line = kv.first.Mark().line + 1;
      if (!kv.second.IsScalar() && !kv.second.IsNull())
        throw Error(ErrorClass::config,
                    fmt::format("{}:{}: {} must be a single value", file, line, untrusted(key)));
      if (!find_key(key))
        c.source_.warnings.push_back(
            fmt::format("{}:{}: unknown key {} (ignored){} (every key: mtec-read --show-config)",
                        file, line, untrusted(key), did_you_mean(key, key_names())));
      c.file_[key] = kv.second.IsNull() ? std::string() : kv.second.Scalar();
      c.file_lines_[key] = line;
    }
  });
  return c;
}

Config Config::load(const std::optional<std::string>& explicit_path, const EnvLookup& env) {
  std::optional<std::string> path = explicit_path;
  if (!path) {
    if (auto p = env("MTEC_CONFIG"); p && !p->empty()) path = *p;
  }
  if (path) {
    std::error_code ec;
    if (!std::filesystem::exists(*path, ec)) {
      if (ec)  // EACCES on a directory on the way: say so, not "does not exist"
        throw Error(ErrorClass::no_input,
                    fmt::format("cannot read config file {}: {}", *path, ec.message()));
      throw Error(ErrorClass::no_input, fmt::format("config file {} does not exist", *path));
    }
    return parse(read_file(*path), *path, env);
  }
  for (const auto& cand : config_search_path(env)) {
    std::error_code ec;
    // a file we may not read is an error, not a reason to fall back to defaults
    if (std::filesystem::is_regular_file(cand, ec)) return parse(read_file(cand), cand, env);
  }
  Config c;
  c.env_ = env;
  return c;
}

std::string Config::origin(const std::string& key) const {
  if (flags_.count(key)) return "command line";
  if (env_ && env_("MTEC_" + key)) return "environment MTEC_" + key;
  if (const auto l = file_lines_.find(key); l != file_lines_.end())
    return fmt::format("{}:{}", source_.file.value_or("config"), l->second);
  return "default";
}

std::optional<std::string> Config::framer_notice() const {
  if (!source_.file || origin("MODBUS_FRAMER") != "default") return std::nullopt;
  return fmt::format(
      "{} sets no MODBUS_FRAMER: Modbus TCP framing (tcp) is used; aiomtec2mqtt's default was "
      "rtu. If the inverter does not answer, mtec-read --probe finds the framing",
      untrusted(*source_.file));
}

std::optional<std::string> Config::exposed_secret_warning() const {
  if (!source_.file) return std::nullopt;
  std::string secret;
  for (const auto& k : config_keys())
    if (k.secret)
      if (const auto it = file_.find(k.name); it != file_.end() && !it->second.empty()) {
        secret = k.name;
        break;
      }
  if (secret.empty()) return std::nullopt;
  if (const auto creds = env_ ? env_("CREDENTIALS_DIRECTORY") : std::nullopt;
      creds && !creds->empty() && source_.file->starts_with(*creds + "/"))
    return std::nullopt;
  struct stat st {};
  if (::stat(source_.file->c_str(), &st) != 0 || (st.st_mode & 0044) == 0) return std::nullopt;
  return fmt::format(
      "config file {} holds {} and is readable by {} (mode {:04o}): chmod 600 {} (or give the "
      "password as MTEC_MQTT_PASSWORD or --password-file)",
      *source_.file, secret, (st.st_mode & 0004) ? "everyone" : "its group", st.st_mode & 07777,
      *source_.file);
}

std::string Config::describe() const {
  std::string out = source_.file ? fmt::format("# config file: {}\n", *source_.file)
                                 : std::string("# config file: none found\n");
  for (const auto& k : config_keys()) {
    const auto v = raw(k.name);
    std::string shown = v.value_or(k.fallback);
    if (k.secret && !shown.empty()) shown = "********";
    std::string from = origin(k.name);
    if (k.name == std::string_view("MODBUS_FRAMER")) {
      if (shown == "socket") {
        shown = "tcp";  // one vocabulary: the legacy name is shown as what it means
        from += " (the legacy socket)";
      } else if (framer_notice()) {
        from += " (aiomtec2mqtt's default was rtu: see mtec-read --probe)";
      }
    }
    out += fmt::format("{}: {}  # {}\n", k.name, yaml_quoted(shown), from);
  }
  return out;
}

std::optional<std::string> Config::raw(const std::string& key) const {
  if (auto f = flags_.find(key); f != flags_.end()) return f->second;
  if (env_)
    if (auto e = env_("MTEC_" + key)) return e;
  if (auto f = file_.find(key); f != file_.end()) return f->second;
  return std::nullopt;
}

Settings Config::settings() const {
  Settings s;
  auto origin = [this](const std::string& key) { return this->origin(key); };
  auto bad = [&](const std::string& key, const std::string& value, const std::string& rule) {
    return Error(ErrorClass::config,
                 fmt::format("{}: {} = '{}': {}", origin(key), key, untrusted(value), rule));
  };
  auto get_int = [&](const std::string& key, int& out, long lo, long hi) {
    auto v = raw(key);
    if (!v) return;
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < lo || n > hi)
      throw bad(key, *v, fmt::format("must be an integer {}..{}", lo, hi));
    out = static_cast<int>(n);
  };
  auto get_seconds = [&](const std::string& key, Seconds& out, double lo, double hi) {
    auto v = raw(key);
    if (!v) return;
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(d > lo) || d > hi)
      throw bad(key, *v, fmt::format("must be a number > {} and <= {}", lo, hi));
    out = Seconds(d);
  };
  auto get_bool = [&](const std::string& key, bool& out) {
    auto v = raw(key);
    if (!v) return;
    if (*v == "true" || *v == "True" || *v == "TRUE" || *v == "1" || *v == "yes")
      out = true;
    else if (*v == "false" || *v == "False" || *v == "FALSE" || *v == "0" || *v == "no" ||
             v->empty())
      out = false;
    else
      throw bad(key, *v, "must be true or false");
  };
  auto get_str = [&](const std::string& key, std::string& out) {
    if (auto v = raw(key)) out = *v;
  };

  get_str("MODBUS_IP", s.modbus_ip);
  get_int("MODBUS_PORT", s.modbus_port, 1, 65535);
  if (auto v = raw("MODBUS_PORT2"); v && !v->empty()) {
    int p2 = 0;
    get_int("MODBUS_PORT2", p2, 1, 65535);
    s.modbus_port2 = p2;
  }
  get_int("MODBUS_SLAVE", s.modbus_slave, 0, 255);
  get_int("MODBUS_RETRIES", s.modbus_retries, 0, 20);
  get_seconds("MODBUS_TIMEOUT", s.modbus_timeout, 0, 600);
  get_int("MODBUS_MAX_GAP", s.modbus_max_gap, 0, 124);
  if (auto v = raw("MODBUS_FRAMER"); v) {
    if (*v == "socket" || *v == "tcp")
      s.modbus_framer = "tcp";
    else if (*v == "rtu")
      s.modbus_framer = "rtu";
    else
      throw bad("MODBUS_FRAMER", *v, "must be tcp or rtu (the legacy socket means tcp)");
  }
  get_str("MQTT_SERVER", s.mqtt_server);
  get_int("MQTT_PORT", s.mqtt_port, 1, 65535);
  get_str("MQTT_LOGIN", s.mqtt_login);
  get_str("MQTT_PASSWORD", s.mqtt_password);
  get_str("MQTT_TOPIC", s.mqtt_topic);
  if (s.mqtt_topic.empty()) throw bad("MQTT_TOPIC", "", "must not be empty");
  get_str("MQTT_CLIENT_ID", s.mqtt_client_id);
  if (auto v = raw("MQTT_FLOAT_FORMAT")) {
    try {
      s.float_format = FloatFormat::parse(*v);
    } catch (const Error& e) {
      throw Error(ErrorClass::config, fmt::format("{}: {}", origin("MQTT_FLOAT_FORMAT"), e.what()));
    }
  }
  get_seconds("REFRESH_NOW", s.refresh_now, 0, 86400);
  get_seconds("REFRESH_CONFIG", s.refresh_config, 0, 86400);
  get_seconds("REFRESH_DAY", s.refresh_day, 0, 86400);
  get_seconds("REFRESH_TOTAL", s.refresh_total, 0, 86400);
  get_seconds("REFRESH_STATIC", s.refresh_static, 0, 86400);
  get_bool("HASS_ENABLE", s.hass_enable);
  get_str("HASS_BASE_TOPIC", s.hass_base_topic);
  if (auto v = raw("HASS_BIRTH_GRACETIME")) {
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || d < 0 || d > 600)
      throw bad("HASS_BIRTH_GRACETIME", *v, "must be a number 0..600");
    s.hass_birth_gracetime = Seconds(d);
  }
  get_bool("HASS_AVAILABILITY", s.hass_availability);
  get_bool("MQTT_JSON", s.mqtt_json);
  get_int("HASS_AVAILABILITY_PERIODS", s.hass_availability_periods, 1, 1000);
  if (auto v = raw("WRITE_MIN_INTERVAL")) {  // 0: no pacing (tests, experts)
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(d >= 0) || d > 3600)
      throw bad("WRITE_MIN_INTERVAL", *v, "must be a number 0..3600");
    s.write_min_interval = Seconds(d);
  }
  get_seconds("WRITE_MAX_AGE", s.write_max_age, 0, 86400);
  get_bool("DEBUG", s.debug);
  if (auto v = raw("LOG_FORMAT"); v) {
    if (*v != "text" && *v != "json") throw bad("LOG_FORMAT", *v, "must be text or json");
    s.log_format = *v;
  }
  return s;
}

}  // namespace mtec
