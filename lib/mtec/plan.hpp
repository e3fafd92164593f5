// Read planning: which Modbus requests read a set of registers.
#pragma once

#include <cstdint>
#include <vector>

#include "mtec/catalog.hpp"

namespace mtec {

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

// Plan requests for `regs` (calculated entries are ignored): sorted by
// address, merged while the gap between two registers is at most `max_gap`
// words and the request stays within `max_count` registers. max_gap 0 gives
// strictly contiguous requests (the legacy plan).
std::vector<ReadRequest> plan_reads(std::vector<const Register*> regs, int max_gap = kDefaultMaxGap,
                                    int max_count = kMaxRegistersPerRequest);

// The fallback for a merged request the device refused: its members as
// strictly contiguous requests.
std::vector<ReadRequest> split_contiguous(const ReadRequest& merged);

}  // namespace mtec
