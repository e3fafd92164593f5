// How the logs tell one peer's outages: the first failure once, a summary
// every few minutes while it lasts, the recovery with its length; and a
// session that the peer keeps closing soon after accepting it (an MQTT
// broker does that when another client connects with the same client id).
// Pure: the caller passes the time.
#pragma once

#include <cstdint>

#include "mtec/base/backoff.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

class Outage {
 public:
  enum class Say { first, summary, quiet };
  explicit Outage(Duration summary_every = std::chrono::minutes(5)) : every_(summary_every) {}

  // A failed attempt (or a lost connection) at `now`: what to log about it.
  Say failed(TimePoint now);
  // The peer is back; returns how long the outage lasted (zero when there was none).
  Duration recovered(TimePoint now);

  bool down() const { return down_; }
  // Failed attempts in this outage, and how long it has lasted.
  uint64_t attempts() const { return attempts_; }
  Duration length(TimePoint now) const;

 private:
  Duration every_;
  bool down_ = false;
  TimePoint since_{}, last_said_{};
  uint64_t attempts_ = 0;
};

class SessionWatch {
 public:
  // A session shorter than `short_lived` counts; `times` of them in a row raise the hint.
  explicit SessionWatch(Duration short_lived = std::chrono::seconds(10), int times = 3)
      : short_lived_(short_lived), times_(times) {}

  void accepted(TimePoint now);
  // The session ended at `now`; true once per run of `times` short sessions in a row.
  bool closed(TimePoint now);
  // A connection attempt failed (refused, unreachable): the broker was down,
  // so the sessions before were cut by an outage, not taken over; the run
  // starts over.
  void connect_failed();
  // Whether the last session lasted (a reason to start the backoff over).
  bool last_lasted() const { return last_lasted_; }
  // The takeover pattern is certain: `times` short sessions in a row, each
  // followed by a reconnect that the broker accepted at once (a broker that
  // restarts refuses connections in between). Only then may reconnects slow.
  bool takeover_suspected() const { return short_in_a_row_ >= times_; }
  // The broker said so (MQTT v5 DISCONNECT, reason 0x8E session taken over):
  // the pattern is certain at once. True the first time (for the hint).
  bool taken_over();

 private:
  Duration short_lived_;
  int times_;
  TimePoint accepted_at_{};
  bool open_ = false, last_lasted_ = true, hinted_ = false;
  int short_in_a_row_ = 0;
};

}  // namespace base
}  // namespace mtec
