// A small Modbus client over one TCP connection: Modbus TCP or RTU framing,
// any unit id 0..255, strictly sequential requests, timeouts, and a cancel
// file descriptor (a signalfd) that aborts a wait at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtec/base/errors.hpp"
#include "mtec/modbus/modbus_frame.hpp"

struct addrinfo;  // <netdb.h>

namespace mtec::modbus {

// --- Interface ---

struct Endpoint {
  std::string host;
  int port = 502;
  std::optional<int> port2;  // tried when `port` refuses the connection
  uint8_t unit = 247;
  std::chrono::milliseconds timeout{5000};
  Framer framer = Framer::tcp;
};

// A failed request. Class: unavailable (refused, lost connection, exception
// reply), temp_fail (timeout), protocol (a malformed or mismatched reply).
class ModbusError : public Error {
 public:
  ModbusError(ErrorClass cls, const std::string& message, int exception_code = 0)
      : Error(cls, message), exception_code_(exception_code) {}
  // The Modbus exception code when the device answered with an exception, else 0.
  int exception_code() const { return exception_code_; }
  // Whether the host refused the TCP connection (nothing listens on the port).
  bool connection_refused() const { return refused_; }
  static ModbusError refused(const std::string& message) {
    ModbusError e(ErrorClass::unavailable, message);
    e.refused_ = true;
    return e;
  }

 private:
  int exception_code_;
  bool refused_ = false;
};

// Thrown when the cancel descriptor became readable during a wait.
struct Interrupted {};

// What the reader, the link and the control handler need of a device: one
// connection, reads and writes that throw ModbusError. Client is the real
// one; unit tests script their own.
class Device {
 public:
  virtual ~Device() = default;
  virtual void connect() = 0;
  virtual bool connected() const = 0;
  virtual std::vector<uint16_t> read(uint16_t start, uint16_t count) = 0;
  virtual void write(uint16_t address, std::span<const uint16_t> words) = 0;
  virtual const Endpoint& endpoint() const = 0;
  // "host:port" for messages.
  virtual std::string peer() const = 0;
};

class Client final : public Device {
 public:
  // `cancel_fd` (optional) aborts waits with Interrupted when readable.
  explicit Client(Endpoint ep, int cancel_fd = -1) : ep_(std::move(ep)), cancel_fd_(cancel_fd) {}
  ~Client() override { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Connect (port, then port2 on refusal), trying every address the host
  // name resolves to. Throws ModbusError.
  void connect() override;
  void close();
  bool connected() const override { return fd_ >= 0; }

  // Function 0x03. Connects first when needed. Any failure other than an
  // exception reply closes the connection, so the next call starts clean.
  std::vector<uint16_t> read(uint16_t start, uint16_t count) override;
  // Function 0x06 for one word, 0x10 for several.
  void write(uint16_t address, std::span<const uint16_t> words) override;

  const Endpoint& endpoint() const override { return ep_; }
  // "host:port" of the current (or first) port, for messages.
  std::string peer() const override;
  // Requests sent since construction (for metrics and benchmarks).
  uint64_t requests() const { return requests_; }
  // Called after every request: whether it succeeded, the failure's class
  // ("" on success) and how long it took.
  using Observer = std::function<void(bool ok, std::string_view cls, double seconds)>;
  void set_observer(Observer o) { observer_ = std::move(o); }
  // Called at least every `every` while a request waits for the device (a
  // stage's heartbeat goes on while the inverter is slow).
  void set_waiting(std::function<void()> f, std::chrono::milliseconds every) {
    waiting_ = std::move(f);
    waiting_every_ = every;
  }

 private:
  // transact() and the check that the reply answers this very request.
  std::vector<uint8_t> request(const std::vector<uint8_t>& pdu, const std::string& what);
  std::vector<uint8_t> transact(const std::vector<uint8_t>& pdu, const std::string& what);
  std::vector<uint8_t> exchange(const std::vector<uint8_t>& pdu, const std::string& what);
  void connect_to(int port);
  void connect_addr(const ::addrinfo& a);
  void send_all(const std::vector<uint8_t>& bytes, std::chrono::steady_clock::time_point deadline);
  // Waits for `events` on the socket until `deadline`; false on timeout.
  bool wait(short events, std::chrono::steady_clock::time_point deadline);

  Endpoint ep_;
  int cancel_fd_;
  int fd_ = -1;
  int port_in_use_ = 0;
  uint16_t tid_ = 0;
  uint64_t requests_ = 0;
  Observer observer_;
  std::function<void()> waiting_;
  std::chrono::milliseconds waiting_every_{0};
};

}  // namespace mtec::modbus
