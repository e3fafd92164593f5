#include "mtec/config/config.hpp"

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
inline namespace config {

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
  for (const auto& k : config_keys()) {
    const auto v = raw(k.name);
    if (!v) continue;
    try {
      k.apply(*v, s);
    } catch (const KeyRuleBroken& broken) {
      throw Error(ErrorClass::config, fmt::format("{}: {} = '{}': {}", origin(k.name), k.name,
                                                  untrusted(*v), broken.rule));
    } catch (const Error& e) {  // the key's own message, naming the value
      throw Error(ErrorClass::config, fmt::format("{}: {}", origin(k.name), e.what()));
    }
  }
  return s;
}

}  // namespace config
}  // namespace mtec
