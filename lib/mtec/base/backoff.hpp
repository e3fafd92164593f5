// Generic resilience helpers: exponential backoff with jitter and a circuit
// breaker. No I/O, no clocks of their own: time and randomness are injected.
#pragma once

#include <chrono>
#include <functional>

namespace mtec {
inline namespace base {

// --- Interface ---

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

// A source of uniform random numbers in [0, 1).
using RandomSource = std::function<double()>;

// Exponential backoff: base * factor^n, capped, with +-jitter (a fraction).
// Defaults are the toolkit's: 1 s, x2, 60 s cap, +-25 %.
class Backoff {
 public:
  struct Policy {
    Duration base{1000};
    double factor = 2.0;
    Duration cap{60000};
    double jitter = 0.25;
  };
  explicit Backoff(RandomSource random) : Backoff(Policy{}, std::move(random)) {}
  Backoff(Policy policy, RandomSource random) : policy_(policy), random_(std::move(random)) {}

  // The delay before the next attempt; advances the attempt count.
  Duration next();
  // Back to the base delay (after a success).
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  Policy policy_;
  RandomSource random_;
  int attempt_ = 0;
};

// Circuit breaker: after `threshold` consecutive failures it opens for
// `open_for`; then one probe is let through (half-open); a success closes it,
// a failure opens it again. Defaults: 5 failures, 30 s.
class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  struct Policy {
    int threshold = 5;
    Duration open_for{30000};
  };
  CircuitBreaker() = default;
  explicit CircuitBreaker(Policy p) : policy_(p) {}

  // Whether a call may go out at `now` (moves open -> half_open when due; in
  // half_open only one call is allowed until it reports back).
  bool allow(TimePoint now);
  void record_success();
  void record_failure(TimePoint now);
  State state() const { return state_; }
  // When an open breaker lets the next probe through.
  TimePoint reopens_at() const { return opened_at_ + policy_.open_for; }

 private:
  Policy policy_;
  State state_ = State::closed;
  int failures_ = 0;
  bool probe_out_ = false;
  TimePoint opened_at_{};
};

const char* state_name(CircuitBreaker::State s);

}  // namespace base
}  // namespace mtec
