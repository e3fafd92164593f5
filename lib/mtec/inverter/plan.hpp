// Read planning: which Modbus requests read a set of registers.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "mtec/inverter/catalog.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// Modbus allows at most 125 registers in one read-holding-registers request.
constexpr int kMaxRegistersPerRequest = 125;
constexpr int kDefaultMaxGap = 10;

// One read request and the registers it serves (in address order).
struct ReadRequest {
  uint16_t start = 0;
  uint16_t count = 0;
  std::vector<const Register*> members;
};

// What a device taught about merged reads: the spans it refused with
// exception 02 or 03. plan_reads() never merges registers into a request that
// contains such a span, so a refused span is not asked again. Devices change
// with firmware updates: everything learned is forgotten kRelearnAfter after
// the first refusal (expire()), or at once by forget().
class PlanMemory {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::hours kRelearnAfter{6};

  void refused(uint16_t start, uint16_t count, Clock::time_point now);
  // Whether the words [start, end) contain a refused span.
  bool forbids(int start, int end) const;
  void expire(Clock::time_point now);
  void forget() { spans_.clear(); }
  size_t size() const { return spans_.size(); }

 private:
  std::set<std::pair<int, int>> spans_;  // [start, end) of each refused span
  Clock::time_point first_{};
};

// Plan requests for `regs` (calculated entries are ignored): sorted by
// address, merged while the gap between two registers is at most `max_gap`
// words, the request stays within `max_count` registers and (with `memory`)
// it contains no span the device refused. max_gap 0 gives strictly
// contiguous requests (the legacy plan).
std::vector<ReadRequest> plan_reads(std::vector<const Register*> regs, int max_gap = kDefaultMaxGap,
                                    int max_count = kMaxRegistersPerRequest,
                                    const PlanMemory* memory = nullptr);

// The next try for a merged request the device refused: its members in two
// requests, cut at the widest gap (the likeliest unmapped words; the one
// nearest the middle among equals). Refused again, each half is cut again,
// so a bad gap is found in a few requests. Empty for a single register.
std::vector<ReadRequest> split_refused(const ReadRequest& merged);

}  // namespace inverter
}  // namespace mtec
