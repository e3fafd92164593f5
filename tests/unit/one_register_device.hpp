// The replies of a Modbus TCP device with one holding register (at any
// address) for ScriptedDevice: reads give `word`, a write (0x06) sets it
// and is echoed, or is refused with exception 03.
#pragma once

#include <cstdint>
#include <vector>

#include "mtec/modbus/modbus_client.hpp"
#include "scripted_device.hpp"

namespace mtec::test {

// The endpoint of a Modbus TCP device on loopback (unit 247, 1 s timeout).
inline modbus::Endpoint loopback_endpoint(int port) {
  return {"127.0.0.1",        port, std::nullopt, 247, std::chrono::milliseconds(1000),
          modbus::Framer::tcp};
}

struct OneRegister {
  uint16_t word = 257;
  bool refuse_writes = false;
  std::vector<uint8_t> reply(const std::vector<uint8_t>& q) {
    const uint8_t fc = q[7];
    std::vector<uint8_t> pdu;
    if (fc == 0x06 && refuse_writes) {
      pdu = {0x86, 0x03};
    } else if (fc == 0x06) {
      word = static_cast<uint16_t>((q[10] << 8) | q[11]);
      pdu.assign(q.begin() + 7, q.begin() + 12);  // the echo
    } else {
      pdu = {0x03, 2, static_cast<uint8_t>(word >> 8), static_cast<uint8_t>(word)};
    }
    return modbus::tcp_reply(q, pdu);
  }
};

}  // namespace mtec::test
