// --probe: which port, framing and unit id does this inverter answer on?
#include <fmt/format.h>

#include <cctype>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/decode.hpp"
#include "mtec/modbus/hints.hpp"
#include "mtec/modbus/modbus_client.hpp"
#include "read_job.hpp"

namespace mtec::read {

namespace {

constexpr std::chrono::milliseconds kProbeTimeout{1000};
constexpr uint16_t kSerialWords = 8;

// A serial number as inverters have them: 6+ printable ASCII characters.
bool plausible_serial(const std::string& s) {
  if (s.size() < 6) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

}  // namespace

int probe(const std::string& host, const std::vector<int>& ports, const Logger& log) {
  struct Hit {
    int port;
    modbus::Framer framer;
    int unit;
    std::string serial;
  };
  std::vector<Hit> hits;
  for (int port : ports) {
    {
      modbus::Client c({host, port, std::nullopt, 247, kProbeTimeout, modbus::Framer::tcp});
      try {
        c.connect();
      } catch (const modbus::ModbusError& e) {
        std::printf("%s\n", e.what());  // (it names host and port)
        continue;
      }
    }
    for (auto framer : {modbus::Framer::tcp, modbus::Framer::rtu}) {
      for (int unit : {247, 252, 255, 1}) {
        const char* fname = modbus::framer_name(framer);
        modbus::Client c(
            {host, port, std::nullopt, static_cast<uint8_t>(unit), kProbeTimeout, framer});
        std::string result;
        try {
          const auto words = c.read(kSerialAddress, kSerialWords);
          const auto serial = decode_str(words);
          if (serial && plausible_serial(*serial)) {
            hits.push_back({port, framer, unit, *serial});
            result = "serial " + *serial;
          } else {
            result = "answers, but no plausible serial number";
          }
        } catch (const modbus::ModbusError& e) {
          result = e.exception_code() ? "exception reply" : std::string(class_name(e.cls()));
        }
        std::printf("port %-5d framer %s unit %-3d %s\n", port, fname, unit, result.c_str());
        std::fflush(stdout);
      }
    }
  }
  if (hits.empty()) {
    log.error(fmt::format("no combination of port, framing and unit id answered on {}", host));
    return exit_code(ErrorClass::unavailable);
  }
  const Hit& h = hits.front();
  std::printf(
      "\n# config.yaml for %s (serial %s):\nMODBUS_IP: %s\nMODBUS_PORT: %d\nMODBUS_FRAMER: "
      "%s\nMODBUS_SLAVE: %d\n",
      host.c_str(), h.serial.c_str(), host.c_str(), h.port, modbus::framer_name(h.framer), h.unit);
  return 0;
}

}  // namespace mtec::read
