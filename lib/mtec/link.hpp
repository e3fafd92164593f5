// A Modbus connection kept up with exponential backoff and a circuit
// breaker; state changes are logged once, not every retry.
#pragma once

#include <string>

#include "mtec/backoff.hpp"
#include "mtec/log.hpp"
#include "mtec/modbus_client.hpp"

namespace mtec {

// --- Interface ---

class Link {
 public:
  Link(modbus::Client& client, const Logger& log, RandomSource random)
      : client_(client), log_(log), backoff_(std::move(random)) {}

  // Connected, or connects now if the backoff and the breaker allow it.
  // Returns false while backing off or when the attempt failed.
  bool ensure(TimePoint now);
  // A read or write lost the connection (or timed out): back off.
  void failed(TimePoint now, const std::string& message);
  // A request went through.
  void succeeded();

  bool down() const { return down_; }
  TimePoint retry_at() const { return retry_at_; }
  uint64_t connect_attempts() const { return attempts_; }
  const CircuitBreaker& breaker() const { return breaker_; }

 private:
  void schedule_retry(TimePoint now);
  modbus::Client& client_;
  const Logger& log_;
  Backoff backoff_;
  CircuitBreaker breaker_;
  static constexpr Duration kSummaryEvery{5 * 60 * 1000};
  TimePoint retry_at_{};
  TimePoint down_since_{}, last_summary_{};
  uint64_t failed_attempts_ = 0;
  bool down_ = false;
  uint64_t attempts_ = 0;
};

}  // namespace mtec
