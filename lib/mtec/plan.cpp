#include "mtec/plan.hpp"

#include <algorithm>

namespace mtec {

std::vector<ReadRequest> plan_reads(std::vector<const Register*> regs, int max_gap, int max_count) {
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
      if (start >= end && start - end <= max_gap && new_count <= max_count) {
        last.count = static_cast<uint16_t>(new_count);
        last.members.push_back(r);
        continue;
      }
    }
    out.push_back(ReadRequest{static_cast<uint16_t>(start), static_cast<uint16_t>(r->length), {r}});
  }
  return out;
}

std::vector<ReadRequest> split_contiguous(const ReadRequest& merged) {
  return plan_reads(merged.members, 0);
}

}  // namespace mtec
