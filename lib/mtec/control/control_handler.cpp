#include "mtec/control/control_handler.hpp"

#include <fmt/format.h>

namespace mtec::control {

nlohmann::json execute_control(const ControlRequest& req, modbus::Device& client,
                               modbus::Link& link, TimePoint now, const Logger& log) {
  try {
    if (!link.ensure(now))
      return control_error(ErrorClass::unavailable, "the inverter is not reachable now");
    if (req.op == ControlRequest::Op::read) {
      const auto words = client.read(req.address, req.count);
      link.succeeded(now);
      return {{"ok", true}, {"address", req.address}, {"words", words}};
    }
    try {
      client.write(req.address, req.words);
    } catch (const modbus::ModbusError& e) {
      if (e.exception_code()) throw;  // an answer: not written
      link.failed(now, e.what());
      auto reply = control_error(e.cls(), e.what());
      reply["outcome"] = "unknown";  // sent, no answer: it may have been applied
      return reply;
    }
    std::vector<uint16_t> back;
    try {
      back = client.read(req.address, req.count);
    } catch (const modbus::ModbusError& e) {
      link.failed(now, e.what());
      auto reply = control_error(e.cls(), fmt::format("written, but not read back: {}", e.what()));
      reply["outcome"] = "unknown";
      return reply;
    }
    link.succeeded(now);
    log.info(fmt::format("control: wrote {} to {}, read back {}", nlohmann::json(req.words).dump(),
                         req.address, nlohmann::json(back).dump()));
    return {{"ok", true}, {"address", req.address}, {"words", req.words}, {"read_back", back}};
  } catch (const modbus::ModbusError& e) {
    link.failed(now, e.what());
    auto reply = control_error(e.cls(), e.what());
    reply["exception"] = e.exception_code();
    return reply;
  }
}

}  // namespace mtec::control
