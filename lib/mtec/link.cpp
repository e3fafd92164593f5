#include "mtec/link.hpp"

#include <fmt/format.h>

namespace mtec {

void Link::schedule_retry(TimePoint now) {
  breaker_.record_failure(now);
  retry_at_ = now + backoff_.next();
  if (breaker_.state() == CircuitBreaker::State::open && breaker_.reopens_at() > retry_at_)
    retry_at_ = breaker_.reopens_at();
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
    if (!down_) {
      log_.warn(fmt::format("inverter unreachable: {}; retrying with backoff", e.what()));
      down_since_ = last_summary_ = now;
      failed_attempts_ = 0;
    } else if (now - last_summary_ >= kSummaryEvery) {
      // not one line per retry: a summary every few minutes
      last_summary_ = now;
      log_.warn(
          fmt::format("inverter still unreachable after {} s and {} attempts: {}",
                      std::chrono::duration_cast<std::chrono::seconds>(now - down_since_).count(),
                      failed_attempts_ + 1, e.what()));
    } else {
      log_.debug(fmt::format("still unreachable: {}; next attempt in {} ms", e.what(),
                             std::chrono::duration_cast<Duration>(retry_at_ - now).count()));
    }
    ++failed_attempts_;
    down_ = true;
    return false;
  }
  if (down_)
    log_.notice(fmt::format("connected to {} again", client_.peer()));
  else
    log_.info(fmt::format("connected to {}", client_.peer()));
  down_ = false;
  return true;
}

void Link::failed(TimePoint now, const std::string& message) {
  if (client_.connected()) return;  // e.g. an exception reply: the link is fine
  schedule_retry(now);
  if (!down_) {
    log_.warn(fmt::format("lost the inverter: {}; reconnecting with backoff", message));
    down_since_ = last_summary_ = now;
    failed_attempts_ = 0;
  }
  down_ = true;
}

void Link::succeeded() {
  backoff_.reset();
  breaker_.record_success();
}

}  // namespace mtec
