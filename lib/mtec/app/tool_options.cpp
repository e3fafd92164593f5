#include "mtec/app/tool_options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "mtec/base/errors.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/log_escape.hpp"

namespace mtec::app {

CLI::Option* ConfigFlags::option(CLI::App& app, const std::string& names, const std::string& key,
                                 const std::string& help, const std::string& arg) {
  Entry& e = entries_.emplace_back();
  e.key = key;
  e.option = app.add_option(names, e.text, fmt::format("{} ({})", help, key))->option_text(arg);
  return e.option;
}

CLI::Option* ConfigFlags::option(CLI::App& app, const std::string& names, const std::string& key,
                                 const std::string& help, const std::string& arg,
                                 const CLI::Validator& check) {
  return option(app, names, key, help, arg)->check(check);
}

CLI::Option* ConfigFlags::flag(CLI::App& app, const std::string& names, const std::string& key,
                               const std::string& value, const std::string& help) {
  Entry& e = entries_.emplace_back();
  e.key = key;
  e.fixed = value;
  e.option = app.add_flag(names)->description(fmt::format("{} ({})", help, key));
  return e.option;
}

void ConfigFlags::apply(Config& c) const {
  for (const auto& e : entries_)
    if (e.option->count() > 0) c.set_flag(e.key, e.fixed.empty() ? e.text : e.fixed);
}

std::optional<std::string> ConfigFlags::given(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.key == key && e.option->count() > 0) return e.fixed.empty() ? e.text : e.fixed;
  return std::nullopt;
}

void CommonOptions::add_to(CLI::App& app) {
  app.add_option("-c,--config", config, "Config file (legacy config.yaml)")->option_text("FILE");
  add_registers(app);
}

void CommonOptions::add_registers(CLI::App& app) {
  app.add_option("--registers", registers, "Register catalog (default: the built-in one)")
      ->option_text("FILE");
}

Config CommonOptions::load_config(const Logger& log) const {
  Config c = Config::load(config, process_env());
  for (const auto& w : c.source().warnings) log.warn(w);
  return c;
}

void CommonOptions::add_formulas(CLI::App& app, const std::string& help) {
  app.add_option("-F,--formulas", formulas, help)->option_text("FILE");
}

Catalog CommonOptions::load_catalog() const {
  Catalog c = mtec::load_catalog(registers);
  for (const auto& f : formulas) c.add_overlay(f);
  return c;
}

void ModbusOptions::add_to(CLI::App& app) {
  const CLI::Validator port = CLI::Range(0, 65535);
  flags.option(app, "-H,--host", "MODBUS_IP", "Inverter host", "HOST");
  flags.option(app, "-p,--port", "MODBUS_PORT", "Modbus TCP port", "PORT", port);
  flags.option(app, "--port2", "MODBUS_PORT2", "Fallback port tried when PORT refuses", "PORT",
               port);
  flags.option(app, "-u,--unit", "MODBUS_SLAVE", "Unit id 0..255", "ID", CLI::Range(0, 255));
  flags.option(app, "--timeout", "MODBUS_TIMEOUT", "Request timeout in seconds", "SECONDS",
               CLI::PositiveNumber);
  flags.option(app, "--framer", "MODBUS_FRAMER", "Framing: tcp or rtu (socket: tcp)", "tcp|rtu",
               CLI::IsMember({"tcp", "rtu", "socket"}));
}

void MqttOptions::add_to(CLI::App& app) {
  flags.option(app, "-b,--broker", "MQTT_SERVER", "Broker host", "HOST");
  flags.option(app, "-P,--broker-port", "MQTT_PORT", "Broker port", "PORT", CLI::Range(1, 65535));
  flags.option(app, "-t,--topic", "MQTT_TOPIC", "Topic root", "ROOT");
  flags.option(app, "-i,--client-id", "MQTT_CLIENT_ID", "MQTT client id", "ID");
  flags.option(app, "--user", "MQTT_LOGIN", "User name", "NAME");
  app.add_option("--password-file", password_file,
                 "Read the password from FILE (MQTT_PASSWORD; else MTEC_MQTT_PASSWORD)")
      ->option_text("FILE");
  app.add_option("--cafile", cafile, "TLS: CA certificate file")->option_text("FILE");
  app.add_option("--capath", capath, "TLS: CA certificate directory")->option_text("DIR");
  app.add_option("--cert", certfile, "TLS: client certificate")->option_text("FILE");
  app.add_option("--key", keyfile, "TLS: client key")->option_text("FILE");
  app.add_flag("--insecure", insecure, "TLS: do not verify the broker's certificate");
  flags.option(app, "--float-format", "MQTT_FLOAT_FORMAT", "Float payload format", "SPEC");
  flags.flag(app, "--hass", "HASS_ENABLE", "true", "Home Assistant discovery on");
  flags.flag(app, "--no-hass", "HASS_ENABLE", "false", "Home Assistant discovery off");
  flags.option(app, "--hass-base", "HASS_BASE_TOPIC", "Discovery root", "TOPIC");
  flags.option(app, "--grace", "HASS_BIRTH_GRACETIME",
               "Seconds after HA's 'online' before discovery", "SECONDS", CLI::NonNegativeNumber);
  flags.flag(app, "--availability", "HASS_AVAILABILITY", "true",
             "Publish online/offline on <MQTT_TOPIC>/<client id>/availability");
  flags.option(app, "--availability-periods", "HASS_AVAILABILITY_PERIODS",
               "offline after N REFRESH_NOW periods without now-base data", "N",
               CLI::PositiveNumber);
  flags.flag(app, "--json", "MQTT_JSON", "true",
             "Also each frame as one JSON object on <MQTT_TOPIC>/<serial>/<group>");
}

void MqttOptions::check_tls() const {
  const bool ca = !cafile.empty() || !capath.empty();
  if (certfile.empty() != keyfile.empty())
    throw Error(ErrorClass::usage, certfile.empty() ? "--key needs --cert (the client certificate)"
                                                    : "--cert needs --key (its private key)");
  if (!certfile.empty() && !ca)
    throw Error(ErrorClass::usage,
                "--cert/--key need --cafile or --capath: without a CA there is no TLS, and the "
                "client certificate would not be used");
  if (insecure && !ca)
    throw Error(ErrorClass::usage,
                "--insecure needs --cafile or --capath: without a CA there is no TLS to relax");
}

void MqttOptions::apply(Config& c) const {
  check_tls();
  flags.apply(c);
  if (!password_file) return;
  std::ifstream in(*password_file);
  if (!in) throw Error(ErrorClass::no_input, "cannot read password file " + *password_file);
  std::string secret;
  std::getline(in, secret);
  c.set_flag("MQTT_PASSWORD", secret);
}

void MetricsOptions::add_to(CLI::App& app) {
  app.add_option("--metrics-file", file, "Keep Prometheus metrics in PATH (textfile collector)")
      ->option_text("PATH");
  app.add_option("--metrics-interval", interval, "Rewrite the metrics file every SECONDS")
      ->option_text("SECONDS")
      ->check(CLI::PositiveNumber);
}

std::vector<std::string> MetricsOptions::stages() const {
  return stage_names(std::getenv("MTEC_PIPELINE"));
}

namespace {

// "PORT" -> 1..65535, else Error(usage) naming what was given.
int probe_port(const std::string& port, const std::string& arg) {
  const bool digits = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string::npos;
  const int p = digits ? std::stoi(port) : 0;
  if (p < 1 || p > 65535)
    throw Error(ErrorClass::usage,
                fmt::format("--probe {}: the port must be 1..65535", untrusted(arg)));
  return p;
}

}  // namespace

ProbeTarget probe_target(const std::string& arg, const std::string& configured_host,
                         int configured_port, std::optional<int> port_flag) {
  ProbeTarget t{arg.empty() ? configured_host : arg, {}};
  std::optional<int> port;
  if (!t.host.empty() && t.host.front() == '[') {  // [V6] or [V6]:PORT
    const auto close = t.host.find(']');
    if (close == std::string::npos || (close + 1 < t.host.size() && t.host[close + 1] != ':'))
      throw Error(ErrorClass::usage,
                  fmt::format("--probe {}: an IPv6 address is [ADDRESS] or [ADDRESS]:PORT",
                              untrusted(t.host)));
    if (close + 1 < t.host.size()) port = probe_port(t.host.substr(close + 2), t.host);
    t.host = t.host.substr(1, close - 1);
  } else if (const auto colon = t.host.find(':');
             colon != std::string::npos && colon == t.host.rfind(':')) {  // HOST:PORT
    port = probe_port(t.host.substr(colon + 1), t.host);
    t.host = t.host.substr(0, colon);
  }  // else HOST, or a bare IPv6 address (more than one colon)
  if (port)
    t.ports = {*port};
  else if (port_flag)
    t.ports = {*port_flag};
  else
    for (int p : {configured_port, 502, 5743})
      if (std::find(t.ports.begin(), t.ports.end(), p) == t.ports.end()) t.ports.push_back(p);
  if (t.host.empty() || t.host == "0.0.0.0")
    throw Error(ErrorClass::usage,
                "--probe needs a HOST (or HOST:PORT), or MODBUS_IP in the configuration");
  return t;
}

modbus::Endpoint endpoint_of(const Settings& s) {
  if (s.modbus_ip.empty() || s.modbus_ip == "0.0.0.0")
    throw Error(ErrorClass::config,
                "no inverter configured: set MODBUS_IP in config.yaml, MTEC_MODBUS_IP or --host");
  modbus::Endpoint ep;
  ep.host = s.modbus_ip;
  ep.port = s.modbus_port;
  ep.port2 = s.modbus_port2;
  ep.unit = static_cast<uint8_t>(s.modbus_slave);
  ep.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.modbus_timeout);
  ep.framer = s.modbus_framer == "rtu" ? modbus::Framer::rtu : modbus::Framer::tcp;
  return ep;
}

}  // namespace mtec::app
