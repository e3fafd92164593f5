// Read planning: the legacy's contiguous plan is reproduced (from the
// fixtures' recorded Modbus requests); gap merging and the 125 limit hold.
#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "golden.hpp"
#include "mtec/inverter/plan.hpp"
#include "one_word_registers.hpp"

namespace mtec {
namespace {

TEST(Plan, GapZeroReproducesTheLegacyRequestsOfEveryGroupRead) {
  int checked = 0;
  for (const auto& name : test::golden_cases()) {
    for (const auto& read : test::golden(name)["reads"]) {
      std::vector<std::pair<int, int>> expected;
      for (const auto& q : read["modbus_requests"])
        if (q["kind"] == "read")
          expected.emplace_back(q["address"].get<int>(), q["count"].get<int>());
      std::vector<std::pair<int, int>> got;
      for (const auto& q : plan_reads(
               test::project_catalog().group(parse_group(read["group"].get<std::string>()).value()),
               0))
        got.emplace_back(q.start, q.count);
      EXPECT_EQ(got, expected) << name << " " << read["group"];
      ++checked;
    }
  }
  EXPECT_GT(checked, 10);
}

std::vector<const Register*> all_registers() {
  std::vector<const Register*> all;
  for (const auto& r : test::project_catalog().entries()) all.push_back(&r);
  return all;
}

TEST(Plan, OnePlanAcrossAllGroupsNeedsAtMost13Requests) {
  const auto plan = plan_reads(all_registers(), kDefaultMaxGap);
  EXPECT_LE(plan.size(), 13u);
  std::set<std::string> covered;
  for (const auto& q : plan) {
    EXPECT_LE(q.count, kMaxRegistersPerRequest);
    for (const Register* r : q.members) {
      EXPECT_GE(*r->address, q.start);
      EXPECT_LE(*r->address + r->length, q.start + q.count);
      covered.insert(r->key);
    }
  }
  EXPECT_EQ(covered.size(), 86u);
}

TEST(Plan, RespectsTheRequestSizeLimitAndSplitsBack) {
  std::vector<Register> regs(200);
  std::vector<const Register*> ptrs;
  for (int i = 0; i < 200; ++i) {
    regs[i].key = std::to_string(1000 + i);
    regs[i].address = static_cast<uint16_t>(1000 + i);
    regs[i].length = 1;
    ptrs.push_back(&regs[i]);
  }
  const auto plan = plan_reads(ptrs, 10);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].count, 125);
  EXPECT_EQ(plan[1].start, 1125);
  EXPECT_EQ(plan[1].count, 75);

  // A gap larger than max_gap starts a new request; the split is contiguous.
  regs[5].address = 1010;
  const auto merged = plan_reads({ptrs[0], ptrs[5]}, 10);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].count, 11);
  const auto split = split_refused(merged[0]);
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[1].start, 1010);
  EXPECT_EQ(plan_reads({ptrs[0], ptrs[5]}, 8).size(), 2u);
}

// Registers at the given addresses, one word each.
using Regs = test::OneWordRegisters;

TEST(Plan, SplitRefusedCutsAtTheWidestGapNearestTheMiddle) {
  const Regs r({100, 101, 105, 106, 107, 109});
  const auto merged = plan_reads(r.ptrs, 10);
  ASSERT_EQ(merged.size(), 1u);
  auto halves = split_refused(merged[0]);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(halves[0].start, 100);
  EXPECT_EQ(halves[0].count, 2);
  EXPECT_EQ(halves[1].start, 105);
  EXPECT_EQ(halves[1].count, 5);
  // equal gaps (none): the middle member boundary
  const Regs c({1, 2, 3, 4});
  halves = split_refused(plan_reads(c.ptrs, 0)[0]);
  ASSERT_EQ(halves.size(), 2u);
  EXPECT_EQ(halves[1].start, 3);
  EXPECT_TRUE(split_refused(plan_reads({c.ptrs[0]}, 0)[0]).empty());
}

TEST(Plan, MemoryKeepsEveryRequestFromContainingARefusedSpan) {
  const Regs r({100, 101, 105, 106, 120, 121});
  PlanMemory memory;
  const auto t0 = PlanMemory::Clock::time_point{};
  EXPECT_EQ(plan_reads(r.ptrs, 20, 125, &memory).size(), 1u);
  memory.refused(101, 5, t0);  // 101..105: the gap 102..104 is unmapped
  EXPECT_TRUE(memory.forbids(100, 107));
  EXPECT_TRUE(memory.forbids(101, 106));
  EXPECT_FALSE(memory.forbids(102, 107));
  const auto plan = plan_reads(r.ptrs, 20, 125, &memory);
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].start, 100);
  EXPECT_EQ(plan[0].count, 2);
  EXPECT_EQ(plan[1].start, 105);
  EXPECT_EQ(plan[1].count, 17);
  for (const auto& q : plan) EXPECT_FALSE(memory.forbids(q.start, q.start + q.count));
  // a single register is still asked: only merges are avoided
  memory.refused(120, 1, t0);
  EXPECT_EQ(plan_reads({r.ptrs[4]}, 20, 125, &memory).size(), 1u);
  // forgotten after the relearn interval, not before
  memory.expire(t0 + PlanMemory::kRelearnAfter - std::chrono::minutes(1));
  EXPECT_EQ(memory.size(), 2u);
  memory.expire(t0 + PlanMemory::kRelearnAfter);
  EXPECT_EQ(memory.size(), 0u);
  EXPECT_EQ(plan_reads(r.ptrs, 20, 125, &memory).size(), 1u);
}

}  // namespace
}  // namespace mtec
