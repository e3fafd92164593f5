// How mtec-write reaches the inverter: through the control socket of a
// running `mtec-read --follow` (so the inverter never sees a second
// connection), or with its own Modbus connection. Same results and errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mtec/modbus/modbus_client.hpp"

namespace mtec {

// --- Interface ---

class RegisterIO {
 public:
  virtual ~RegisterIO() = default;
  virtual std::vector<uint16_t> read(uint16_t address, uint16_t count) = 0;
  // Write `words`, then read them back; returns what was read back.
  virtual std::vector<uint16_t> write_and_read_back(uint16_t address,
                                                    const std::vector<uint16_t>& words) = 0;
  virtual std::string describe() const = 0;
};

// Through the control socket at `path`. Errors keep the reader's class.
std::unique_ptr<RegisterIO> control_io(const std::string& path, std::chrono::milliseconds timeout);
// Own connection (connects on first use; one attempt per call, the
// connection's own timeout).
std::unique_ptr<RegisterIO> direct_io(const modbus::Endpoint& ep);

}  // namespace mtec
