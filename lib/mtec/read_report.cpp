#include "mtec/read_report.hpp"

#include <fmt/format.h>

namespace mtec {

namespace {

const char* framer_name(modbus::Framer f) { return f == modbus::Framer::rtu ? "rtu" : "tcp"; }

// The first transport failure decides the story; "not tried" errors only follow it.
const FrameError* first_transport_failure(const ReadOutcome& outcome) {
  for (const auto& e : outcome.errors)
    if (e.exception == 0 && e.message.rfind("not tried:", 0) != 0) return &e;
  return nullptr;
}

// "; tried 4 times" from a failure message ending "(tried 4 times)", or "".
std::string tries_of(const std::string& message) {
  const auto p = message.rfind(" (tried ");
  if (p == std::string::npos || message.back() != ')') return {};
  return "; " + message.substr(p + 2, message.size() - p - 3);
}

}  // namespace

std::string name_list(const std::vector<std::string>& names, size_t shown) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += fmt::format(" and {} more", names.size() - shown);
  return out;
}

std::string no_answer_hint(const modbus::Endpoint& ep) {
  return fmt::format(
      "a device that does not answer usually has another unit id or framing: check "
      "MODBUS_SLAVE ({}) and MODBUS_FRAMER ({}), or run mtec-read --probe {}",
      ep.unit, framer_name(ep.framer), ep.host);
}

std::string connect_hint(const modbus::Endpoint& ep, const modbus::ModbusError& e) {
  if (!e.connection_refused()) return {};
  if (ep.port == 502 && !ep.port2)
    return fmt::format(
        "nothing listens on port 502: the M-TEC Energybutler's Modbus gateway usually "
        "answers on 5743 (MODBUS_PORT); mtec-read --probe {} tries both",
        ep.host);
  return fmt::format("check MODBUS_IP and MODBUS_PORT, or run mtec-read --probe {}", ep.host);
}

ReadReport report_read(const ReadOutcome& outcome, std::string_view asked,
                       const modbus::Endpoint& ep, std::string_view peer) {
  ReadReport r;
  for (const auto& e : outcome.errors)
    if (e.exception != 0) r.refusals.push_back(e.message);
  const FrameError* first = first_transport_failure(outcome);
  if (!first) {
    // only "not tried" lines: the budget ran out before anything failed as such
    for (const auto& e : outcome.errors)
      if (e.exception == 0) {
        r.failure = fmt::format("reading {}: {}", asked, e.message);
        break;
      }
    return r;
  }
  const bool nothing_read = outcome.words.empty();
  if (first->cls == class_name(ErrorClass::temp_fail)) {
    r.failure = fmt::format("no reply from {} within {} ms reading {} (unit {}, {} framing{})",
                            peer, ep.timeout.count(), asked, ep.unit, framer_name(ep.framer),
                            tries_of(first->message));
  } else if (first->cls == class_name(ErrorClass::protocol)) {
    r.failure = fmt::format("bad reply reading {}: {}", asked, first->message);
  } else {
    r.failure = fmt::format("lost the inverter reading {}: {}", asked, first->message);
  }
  size_t others = 0;
  for (const auto& e : outcome.errors)
    if (e.exception == 0 && &e != first) ++others;
  if (others > 0)
    r.failure += fmt::format("; {} more request{} without data", others, others == 1 ? "" : "s");
  if (nothing_read && first->cls != class_name(ErrorClass::unavailable))
    r.hint = no_answer_hint(ep);
  return r;
}

}  // namespace mtec
