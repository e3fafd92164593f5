// A Modbus device for unit tests without sockets: modbus::Device whose
// requests follow a script (answers, timeouts, exception replies, lost
// connections), on the test's clock.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtec/base/backoff.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec::test {

// An inverter whose requests follow a script: each request takes the next
// step (answer from `words`, time out, refuse with an exception, lose the
// connection); with the script spent, every request is answered. Unplugged,
// it refuses connections.
class ScriptedInverter final : public modbus::Device {
 public:
  enum class Step { answer, timeout, exception, disconnect };
  explicit ScriptedInverter(const TimePoint& now) : now_(now) {}

  std::map<uint16_t, uint16_t> words;  // unset addresses read as 0
  std::deque<Step> script;
  std::vector<TimePoint> connects;                    // when connect() was called
  std::vector<std::pair<TimePoint, uint16_t>> reads;  // answered reads (start)
  std::vector<std::pair<uint16_t, std::vector<uint16_t>>> writes;

  // Gone: the connection drops at the next request, connecting is refused.
  void unplug() {
    reachable_ = false;
    script.push_back(Step::disconnect);
  }
  void plug_in() { reachable_ = true; }
  void set_text(uint16_t address, std::string_view text, size_t length) {
    for (size_t i = 0; i < length; ++i) {
      const auto hi = static_cast<uint8_t>(2 * i < text.size() ? text[2 * i] : 0);
      const auto lo = static_cast<uint8_t>(2 * i + 1 < text.size() ? text[2 * i + 1] : 0);
      words[static_cast<uint16_t>(address + i)] = static_cast<uint16_t>(hi << 8 | lo);
    }
  }

  void connect() override {
    connects.push_back(now_);
    if (!reachable_) throw modbus::ModbusError::refused(peer() + ": connection refused");
    up_ = true;
  }
  bool connected() const override { return up_; }
  std::vector<uint16_t> read(uint16_t start, uint16_t count) override {
    request();
    reads.emplace_back(now_, start);
    std::vector<uint16_t> out;
    for (uint16_t a = start; a < start + count; ++a) out.push_back(words[a]);
    return out;
  }
  void write(uint16_t address, std::span<const uint16_t> w) override {
    request();
    writes.emplace_back(address, std::vector<uint16_t>(w.begin(), w.end()));
    for (size_t i = 0; i < w.size(); ++i) words[static_cast<uint16_t>(address + i)] = w[i];
  }
  const modbus::Endpoint& endpoint() const override { return ep_; }
  std::string peer() const override { return "inverter.test:502"; }

 private:
  // Like the real client: connects when needed; a failure other than an
  // exception reply closes the connection.
  void request() {
    if (!up_) connect();
    const Step s = script.empty() ? Step::answer : script.front();
    if (!script.empty()) script.pop_front();
    switch (s) {
      case Step::answer: return;
      case Step::timeout:
        up_ = false;
        throw modbus::ModbusError(ErrorClass::temp_fail, peer() + ": no reply within 1000 ms");
      case Step::exception:
        throw modbus::ModbusError(ErrorClass::unavailable, peer() + ": exception 02", 2);
      case Step::disconnect:
        up_ = false;
        throw modbus::ModbusError(ErrorClass::unavailable, peer() + ": connection lost");
    }
  }
  const TimePoint& now_;
  modbus::Endpoint ep_{"inverter.test",    502, std::nullopt, 247, std::chrono::milliseconds(1000),
                       modbus::Framer::tcp};
  bool reachable_ = true, up_ = false;
};

}  // namespace mtec::test
