#include "mtec/inverter/tool_options.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"

namespace mtec {

void CommonOptions::add_to(CLI::App& app) {
  app.add_option("-c,--config", config, "Config file (legacy config.yaml)")->option_text("FILE");
  app.add_option("--registers", registers, "Register catalog")->option_text("FILE");
}

Config CommonOptions::load_config(const Logger& log) const {
  Config c = Config::load(config, process_env());
  for (const auto& w : c.source().warnings) log.warn(w);
  return c;
}

Catalog CommonOptions::load_catalog() const { return mtec::load_catalog(registers); }

void ModbusOptions::add_to(CLI::App& app) {
  app.add_option("-H,--host", host, "Inverter host (MODBUS_IP)")->option_text("HOST");
  app.add_option("-p,--port", port, "Modbus TCP port (MODBUS_PORT)")->option_text("PORT");
  app.add_option("--port2", port2, "Fallback port tried when PORT refuses (MODBUS_PORT2)")
      ->option_text("PORT");
  app.add_option("-u,--unit", unit, "Unit id 0..255 (MODBUS_SLAVE)")->option_text("ID");
  app.add_option("--timeout", timeout, "Request timeout in seconds (MODBUS_TIMEOUT)")
      ->option_text("SECONDS");
  app.add_option("--framer", framer, "Framing: tcp or rtu (MODBUS_FRAMER)")->option_text("tcp|rtu");
}

void ModbusOptions::apply(Config& c) const {
  if (host) c.set_flag("MODBUS_IP", *host);
  if (port) c.set_flag("MODBUS_PORT", std::to_string(*port));
  if (port2) c.set_flag("MODBUS_PORT2", std::to_string(*port2));
  if (unit) c.set_flag("MODBUS_SLAVE", std::to_string(*unit));
  if (timeout) c.set_flag("MODBUS_TIMEOUT", fmt::format("{}", *timeout));
  if (framer) c.set_flag("MODBUS_FRAMER", *framer);
}

void MetricsOptions::add_to(CLI::App& app) {
  app.add_option("--metrics-file", file, "Keep Prometheus metrics in PATH (textfile collector)")
      ->option_text("PATH");
  app.add_option("--metrics-interval", interval, "Rewrite the metrics file every SECONDS")
      ->option_text("SECONDS")
      ->check(CLI::PositiveNumber);
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
  ep.timeout = std::chrono::milliseconds(static_cast<long>(s.modbus_timeout * 1000));
  ep.framer = s.modbus_framer == "rtu" ? modbus::Framer::rtu : modbus::Framer::tcp;
  return ep;
}

}  // namespace mtec
