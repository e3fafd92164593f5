// The options every tool shares (tools/OPTIONS.md): config file, register
// catalog and the Modbus connection; loaded into Config with flag precedence.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "mtec/base/log.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/config.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec {

// --- Interface ---

struct CommonOptions {
  std::optional<std::string> config;
  std::optional<std::string> registers;
  void add_to(CLI::App& app);
  // Loads the config (warnings go to `log`) and applies flags already set on it.
  Config load_config(const Logger& log) const;
  Catalog load_catalog() const;
};

struct ModbusOptions {
  std::optional<std::string> host, framer;
  std::optional<int> port, port2, unit;
  std::optional<double> timeout;
  void add_to(CLI::App& app);
  void apply(Config& c) const;
};

// --metrics-file / --metrics-interval of the long-running tools.
struct MetricsOptions {
  std::string file;
  double interval = 5;
  void add_to(CLI::App& app);
  std::chrono::milliseconds period() const {
    return std::chrono::milliseconds(static_cast<long>(interval * 1000));
  }
};

// The Modbus endpoint of `s`; Error(config) when no inverter is configured.
modbus::Endpoint endpoint_of(const Settings& s);

}  // namespace mtec
