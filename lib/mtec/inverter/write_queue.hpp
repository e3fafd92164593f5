// Per-register pacing of writes: last value wins, at a bounded rate. A
// register is written at most once per `min_interval`; a command that comes
// inside the interval replaces the one pending for that register, so a
// slider drag ends in one write of its final value. The queue holds at most
// one command per register, so no backlog can build up behind a slow
// inverter. Pure: time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "mtec/base/backoff.hpp"
#include "mtec/inverter/command.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

using WallTime = std::chrono::system_clock::time_point;

// A validated command waiting for its register.
struct QueuedCommand {
  EncodedWrite write;
  std::optional<WallTime> ts;  // when it was sent (the command line's "ts"), if it says
  uint64_t seq = 0;            // arrival order
  uint16_t address() const { return *write.reg->address; }
};

class WriteQueue {
 public:
  explicit WriteQueue(Duration min_interval) : min_interval_(min_interval) {}

  // Queue `c` for its register; returns the command it replaced, if any.
  std::optional<QueuedCommand> put(QueuedCommand c);
  // The pending command, oldest first, whose register is open at `now` (its
  // interval has passed and it is not held); removed from the queue.
  std::optional<QueuedCommand> take_due(TimePoint now);
  // When take_due() will next return a command; nullopt when nothing is
  // pending for an open or opening register.
  std::optional<TimePoint> next_due() const;
  // A write attempt on `address` began at `now`: its interval runs from here.
  void started(uint16_t address, TimePoint now);
  // A held register keeps its pending command until released (its last
  // write's outcome is unknown).
  void hold(uint16_t address);
  void release(uint16_t address);
  bool held(uint16_t address) const;
  // Removes and returns the pending commands for which `drop` is true.
  std::vector<QueuedCommand> take_if(const std::function<bool(const QueuedCommand&)>& drop);
  size_t pending() const;

 private:
  struct Slot {
    std::optional<QueuedCommand> pending;
    std::optional<TimePoint> last_start;
    bool held = false;
  };
  TimePoint opens_at(const Slot& s) const;
  Duration min_interval_;
  std::map<uint16_t, Slot> slots_;
};

}  // namespace inverter
}  // namespace mtec
