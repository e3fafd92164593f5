// A Modbus connection kept up with exponential backoff and a circuit
// breaker; state changes are logged once, not every retry.
#pragma once

#include <string>

#include "mtec/base/backoff.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/outage.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec::modbus {

// --- Interface ---

class Link {
 public:
  Link(modbus::Device& client, const Logger& log, RandomSource random)
      : client_(client), log_(log), backoff_(std::move(random)) {}

  // Connected, or connects now if the backoff and the breaker allow it.
  // Returns false while backing off or when the attempt failed.
  bool ensure(TimePoint now);
  // A read or write lost the connection (or timed out): back off. The first
  // failure of an outage is logged with `hint`, later ones in the summaries.
  void failed(TimePoint now, const std::string& message, const std::string& hint = {});
  // A request went through: the outage, if any, is over.
  void succeeded(TimePoint now);

  bool down() const { return outage_.down(); }
  TimePoint retry_at() const { return retry_at_; }
  uint64_t connect_attempts() const { return attempts_; }
  const CircuitBreaker& breaker() const { return breaker_; }

 private:
  void schedule_retry(TimePoint now);
  // Logs a failure once per outage, then a summary every five minutes.
  void report(TimePoint now, const std::string& first_line, const std::string& message,
              const std::string& hint);
  modbus::Device& client_;
  const Logger& log_;
  Backoff backoff_;
  CircuitBreaker breaker_;
  Outage outage_;
  TimePoint retry_at_{};
  uint64_t attempts_ = 0;
};

}  // namespace mtec::modbus
