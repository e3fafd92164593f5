#include "mtec/base/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace mtec {
inline namespace base {

Duration Backoff::next() {
  const double raw = static_cast<double>(policy_.base.count()) * std::pow(policy_.factor, attempt_);
  const double capped = std::min(raw, static_cast<double>(policy_.cap.count()));
  if (capped < static_cast<double>(policy_.cap.count())) ++attempt_;
  const double r = random_ ? random_() : 0.5;
  const double jittered = capped * (1.0 + policy_.jitter * (2.0 * r - 1.0));
  return Duration(static_cast<Duration::rep>(std::llround(jittered)));
}

bool CircuitBreaker::allow(TimePoint now) {
  switch (state_) {
    case State::closed: return true;
    case State::open:
      if (now < reopens_at()) return false;
      state_ = State::half_open;
      probe_out_ = true;
      return true;
    case State::half_open:
      if (probe_out_) return false;
      probe_out_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  state_ = State::closed;
  failures_ = 0;
  probe_out_ = false;
}

void CircuitBreaker::record_failure(TimePoint now) {
  probe_out_ = false;
  if (state_ == State::half_open || ++failures_ >= policy_.threshold) {
    state_ = State::open;
    opened_at_ = now;
    failures_ = 0;
  }
}

const char* state_name(CircuitBreaker::State s) {
  switch (s) {
    case CircuitBreaker::State::closed: return "closed";
    case CircuitBreaker::State::open: return "open";
    case CircuitBreaker::State::half_open: return "half-open";
  }
  return "?";
}

}  // namespace base
}  // namespace mtec
