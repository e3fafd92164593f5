// The options every tool shares (tools/OPTIONS.md): config file, register
// catalog and the Modbus connection; loaded into Config with flag precedence.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "mtec/base/log.hpp"
#include "mtec/config/config.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/modbus/modbus_client.hpp"

// CLI11 is heavy (its inline code is compiled in every file that includes it):
// the declarations here need only its names.
namespace CLI {
class App;
class Option;
class Validator;
}  // namespace CLI

namespace mtec::app {

// --- Interface ---

// Options that set a config key, declared with the key in one call: the
// help text ends with "(KEY)" and apply() sets the keys given on the command
// line (command line wins over environment and file: Config::set_flag).
class ConfigFlags {
 public:
  // An option taking a value; `check` validates it at parse time (64).
  CLI::Option* option(CLI::App& app, const std::string& names, const std::string& key,
                      const std::string& help, const std::string& arg);
  CLI::Option* option(CLI::App& app, const std::string& names, const std::string& key,
                      const std::string& help, const std::string& arg, const CLI::Validator& check);
  // A flag that sets `key` to `value` when given.
  CLI::Option* flag(CLI::App& app, const std::string& names, const std::string& key,
                    const std::string& value, const std::string& help);
  void apply(Config& c) const;
  // The value given for `key` on the command line, if any.
  std::optional<std::string> given(const std::string& key) const;

 private:
  struct Entry {
    std::string key, fixed, text;  // fixed: a flag's value
    CLI::Option* option = nullptr;
  };
  std::deque<Entry> entries_;  // stable addresses: CLI11 writes into `text`
};

// -c/--config and --registers: declared here once for every tool.
struct CommonOptions {
  std::optional<std::string> config;
  std::optional<std::string> registers;
  std::vector<std::string> formulas;  // -F overlays, in the order given
  // Both options; add_registers alone for the tools without a config (mtec-sim, mtec-calc).
  void add_to(CLI::App& app);
  void add_registers(CLI::App& app);
  // -F,--formulas FILE (repeatable): overlays of calculated entries.
  void add_formulas(CLI::App& app, const std::string& help);
  // Loads the config (warnings go to `log`) and applies flags already set on it.
  Config load_config(const Logger& log) const;
  // The catalog (--registers, else MTEC_REGISTERS, else built in) with the overlays.
  Catalog load_catalog() const;
};

// The inverter connection: -H, -p, --port2, -u, --timeout, --framer.
struct ModbusOptions {
  ConfigFlags flags;
  void add_to(CLI::App& app);
  void apply(Config& c) const { flags.apply(c); }
};

// The broker session and Home Assistant options of mtec-publish (the keys
// MQTT_* and HASS_*), and TLS files, which have no config key.
struct MqttOptions {
  ConfigFlags flags;
  std::optional<std::string> password_file;  // sets MQTT_PASSWORD from the file's first line
  std::string cafile, capath, certfile, keyfile;
  bool insecure = false;
  void add_to(CLI::App& app);
  // Error(no_input) when the password file cannot be read; Error(usage)
  // for TLS options that cannot take effect (check_tls()).
  void apply(Config& c) const;
  // Error(usage) for TLS options that would silently not take effect:
  // --insecure without TLS (--cafile/--capath), --cert without --key or
  // --key without --cert, a client certificate without a CA.
  void check_tls() const;
};

// --metrics-file / --metrics-interval of the long-running tools.
struct MetricsOptions {
  std::string file;
  double interval = 5;
  void add_to(CLI::App& app);
  std::chrono::milliseconds period() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Seconds(interval));
  }
  // The stages of the pipeline the tool runs in ($MTEC_PIPELINE, set by
  // mtec2mqtt), for Metrics::expect_stages.
  std::vector<std::string> stages() const;
};

// The Modbus endpoint of `s`; Error(config) when no inverter is configured.
modbus::Endpoint endpoint_of(const Settings& s);

// What `--probe [HOST[:PORT]]` tries: HOST ([V6] or [V6]:PORT for IPv6;
// else the configured MODBUS_IP), on PORT alone, on -p's port alone
// (`port_flag`), or on the configured MODBUS_PORT first and then the usual
// 502 and 5743 (no port twice). Only these two keys are taken from the
// configuration: a troubleshooting tool is not stopped by another bad key.
// Error(usage) when there is no host or the port is not 1..65535.
struct ProbeTarget {
  std::string host;
  std::vector<int> ports;
};
ProbeTarget probe_target(const std::string& arg, const std::string& configured_host,
                         int configured_port, std::optional<int> port_flag);

}  // namespace mtec::app
