#include "mtec/modbus/link.hpp"

#include <fmt/format.h>

#include "mtec/modbus/hints.hpp"

namespace mtec::modbus {

void Link::schedule_retry(TimePoint now) {
  breaker_.record_failure(now);
  retry_at_ = now + backoff_.next();
  if (breaker_.state() == CircuitBreaker::State::open && breaker_.reopens_at() > retry_at_)
    retry_at_ = breaker_.reopens_at();
}

void Link::report(TimePoint now, const std::string& first_line, const std::string& message,
                  const std::string& hint) {
  switch (outage_.failed(now)) {
    case Outage::Say::first:
      log_.warn(first_line);
      if (!hint.empty()) log_.hint(hint);
      break;
    case Outage::Say::summary:  // not one line per retry: a summary every few minutes
      log_.warn(
          fmt::format("inverter still unreachable after {} s and {} attempts: {}",
                      std::chrono::duration_cast<std::chrono::seconds>(outage_.length(now)).count(),
                      outage_.attempts(), message));
      break;
    case Outage::Say::quiet:
      log_.debug(fmt::format("still unreachable: {}; next attempt in {} ms", message,
                             std::chrono::duration_cast<Duration>(retry_at_ - now).count()));
  }
}

bool Link::ensure(TimePoint now) {
  if (client_.connected()) return true;
  if (now < retry_at_ || !breaker_.allow(now)) return false;
  ++attempts_;
  try {
    log_.debug(fmt::format("connecting to {} (attempt {})", client_.peer(), attempts_));
    client_.connect();
  } catch (const modbus::ModbusError& e) {
    schedule_retry(now);
    report(now, fmt::format("inverter unreachable: {}; retrying with backoff", e.what()), e.what(),
           modbus::connect_hint(client_.endpoint(), e));
    return false;
  }
  // "again" only once the device answers (succeeded()): a connection that
  // accepts and then times out is no recovery
  if (!outage_.down()) log_.info(fmt::format("connected to {}", client_.peer()));
  return true;
}

void Link::failed(TimePoint now, const std::string& message, const std::string& hint) {
  if (client_.connected()) return;  // e.g. an exception reply: the link is fine
  schedule_retry(now);
  report(now, fmt::format("{}; retrying with backoff", message), message, hint);
}

void Link::succeeded(TimePoint now) {
  backoff_.reset();
  breaker_.record_success();
  if (!outage_.down()) return;
  const auto lasted = outage_.recovered(now);
  log_.notice(fmt::format("connected to {} again after {} s", client_.peer(),
                          std::chrono::duration_cast<std::chrono::seconds>(lasted).count()));
}

}  // namespace mtec::modbus
