// How mtec-write reaches the inverter: through the control socket of a
// running `mtec-read --follow` (so the inverter never sees a second
// connection), or with its own Modbus connection. Same results and errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mtec/modbus/modbus_client.hpp"

namespace mtec::control {

// --- Interface ---

// A write whose request may have reached the device but whose answer did not
// come (a timeout, a lost connection, a garbled or missing reply): the
// device may or may not have applied it. Never retried blindly; the caller
// reads the register back once the device answers again. Every other Error
// from write_and_read_back means nothing was written (an exception reply,
// no connection).
class OutcomeUnknown : public Error {
 public:
  using Error::Error;
};

class RegisterIO {
 public:
  virtual ~RegisterIO() = default;
  virtual std::vector<uint16_t> read(uint16_t address, uint16_t count) = 0;
  // Write `words`, then read them back; returns what was read back. `raw`:
  // the words are no checked value (mtec-write --raw); the control socket
  // then checks only that `address` is a writable register.
  virtual std::vector<uint16_t> write_and_read_back(uint16_t address,
                                                    const std::vector<uint16_t>& words,
                                                    bool raw = false) = 0;
  virtual std::string describe() const = 0;
};

// Through the control socket at `path`. Errors keep the reader's class.
// `waiting` (optional) is called every half second while an answer is awaited.
std::unique_ptr<RegisterIO> control_io(const std::string& path, std::chrono::milliseconds timeout,
                                       std::function<void()> waiting = {});
// Own connection (connects on first use; one attempt per call, the
// connection's own timeout).
std::unique_ptr<RegisterIO> direct_io(const modbus::Endpoint& ep,
                                      std::function<void()> waiting = {});

}  // namespace mtec::control
