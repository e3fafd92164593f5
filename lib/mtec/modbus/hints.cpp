#include "mtec/modbus/hints.hpp"

#include <fmt/format.h>

namespace mtec::modbus {

const char* framer_name(Framer f) { return f == Framer::rtu ? "rtu" : "tcp"; }

std::string no_answer_hint(const Endpoint& ep) {
  return fmt::format(
      "a device that does not answer usually has another unit id or framing: check "
      "MODBUS_SLAVE ({}) and MODBUS_FRAMER ({}), or run mtec-read --probe {}",
      ep.unit, framer_name(ep.framer), ep.host);
}

std::string connect_hint(const Endpoint& ep, const ModbusError& e) {
  if (!e.connection_refused()) return {};
  if (ep.port == 502 && !ep.port2)
    return fmt::format(
        "nothing listens on port 502: the M-TEC Energybutler's Modbus gateway usually "
        "answers on 5743 (MODBUS_PORT); mtec-read --probe {} tries both",
        ep.host);
  return fmt::format("check MODBUS_IP and MODBUS_PORT, or run mtec-read --probe {}", ep.host);
}

}  // namespace mtec::modbus
