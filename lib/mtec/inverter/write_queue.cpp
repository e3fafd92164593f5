#include "mtec/inverter/write_queue.hpp"

namespace mtec {
inline namespace inverter {

std::optional<QueuedCommand> WriteQueue::put(QueuedCommand c) {
  Slot& s = slots_[c.address()];
  std::optional<QueuedCommand> replaced = std::move(s.pending);
  s.pending = std::move(c);
  return replaced;
}

TimePoint WriteQueue::opens_at(const Slot& s) const {
  return s.last_start ? *s.last_start + min_interval_ : TimePoint::min();
}

std::optional<QueuedCommand> WriteQueue::take_due(TimePoint now) {
  Slot* best = nullptr;
  for (auto& [address, s] : slots_)
    if (s.pending && !s.held && opens_at(s) <= now &&
        (!best || s.pending->seq < best->pending->seq))
      best = &s;
  if (!best) return std::nullopt;
  std::optional<QueuedCommand> c = std::move(best->pending);
  best->pending.reset();
  return c;
}

std::optional<TimePoint> WriteQueue::next_due() const {
  std::optional<TimePoint> due;
  for (const auto& [address, s] : slots_)
    if (s.pending && !s.held && (!due || opens_at(s) < *due)) due = opens_at(s);
  return due;
}

void WriteQueue::started(uint16_t address, TimePoint now) { slots_[address].last_start = now; }

void WriteQueue::hold(uint16_t address) { slots_[address].held = true; }

void WriteQueue::release(uint16_t address) { slots_[address].held = false; }

bool WriteQueue::held(uint16_t address) const {
  const auto it = slots_.find(address);
  return it != slots_.end() && it->second.held;
}

std::vector<QueuedCommand> WriteQueue::take_if(
    const std::function<bool(const QueuedCommand&)>& drop) {
  std::vector<QueuedCommand> out;
  for (auto& [address, s] : slots_)
    if (s.pending && drop(*s.pending)) {
      out.push_back(std::move(*s.pending));
      s.pending.reset();
    }
  return out;
}

size_t WriteQueue::pending() const {
  size_t n = 0;
  for (const auto& [address, s] : slots_) n += s.pending ? 1 : 0;
  return n;
}

}  // namespace inverter
}  // namespace mtec
