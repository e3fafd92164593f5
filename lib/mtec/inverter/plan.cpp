#include "mtec/inverter/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mtec {
inline namespace inverter {

void PlanMemory::refused(uint16_t start, uint16_t count, Clock::time_point now) {
  if (spans_.empty()) first_ = now;
  spans_.insert({start, start + count});
}

bool PlanMemory::forbids(int start, int end) const {
  for (auto it = spans_.lower_bound({start, start}); it != spans_.end() && it->first < end; ++it)
    if (it->second <= end) return true;
  return false;
}

void PlanMemory::expire(Clock::time_point now) {
  if (!spans_.empty() && now - first_ >= kRelearnAfter) spans_.clear();
}

std::vector<ReadRequest> plan_reads(std::vector<const Register*> regs, int max_gap, int max_count,
                                    const PlanMemory* memory) {
  std::erase_if(regs, [](const Register* r) { return !r->address; });
  std::sort(regs.begin(), regs.end(),
            [](const Register* a, const Register* b) { return *a->address < *b->address; });
  std::vector<ReadRequest> out;
  for (const Register* r : regs) {
    const int start = *r->address;
    if (!out.empty()) {
      ReadRequest& last = out.back();
      const int end = last.start + last.count;  // one past the last word
      const int new_count = start + r->length - last.start;
      if (start >= end && start - end <= max_gap && new_count <= max_count &&
          !(memory && memory->forbids(last.start, start + r->length))) {
        last.count = static_cast<uint16_t>(new_count);
        last.members.push_back(r);
        continue;
      }
    }
    out.push_back(ReadRequest{static_cast<uint16_t>(start), static_cast<uint16_t>(r->length), {r}});
  }
  return out;
}

std::vector<ReadRequest> split_refused(const ReadRequest& merged) {
  const auto& m = merged.members;
  if (m.size() < 2) return {};
  size_t cut = 1;
  int widest = -1;
  const double middle = static_cast<double>(m.size()) / 2;
  for (size_t i = 1; i < m.size(); ++i) {
    const int gap = *m[i]->address - (*m[i - 1]->address + m[i - 1]->length);
    const bool nearer =
        std::abs(static_cast<double>(i) - middle) < std::abs(static_cast<double>(cut) - middle);
    if (gap > widest || (gap == widest && nearer)) {
      widest = gap;
      cut = i;
    }
  }
  auto part = [](std::vector<const Register*> members) {
    const Register* last = members.back();
    const int start = *members.front()->address;
    return ReadRequest{static_cast<uint16_t>(start),
                       static_cast<uint16_t>(*last->address + last->length - start),
                       std::move(members)};
  };
  return {part({m.begin(), m.begin() + static_cast<long>(cut)}),
          part({m.begin() + static_cast<long>(cut), m.end()})};
}

}  // namespace inverter
}  // namespace mtec
