// The simulator's registers: one block from the snapshot's lowest to its
// highest address with 0 in the gaps; writes and the animation's overlay
// change the words inside it and nothing outside.
#include <gtest/gtest.h>

#include "mtec/sim/register_map.hpp"

namespace mtec::sim::register_map_test {

using V = std::vector<uint16_t>;

std::vector<uint16_t> read(const RegisterMap& m, int address, int count) {
  const auto w = m.words(address, count);
  return {w.begin(), w.end()};
}

TEST(SimRegisterMap, HoldsTheSnapshotWithZeroInTheGaps) {
  const RegisterMap m(Snapshot{{10000, {1, 2}}, {10005, {7}}, {10010, {8, 9}}});
  EXPECT_EQ(m.start(), 10000);
  EXPECT_EQ(m.size(), 12);
  EXPECT_EQ(read(m, 10000, 12), (V{1, 2, 0, 0, 0, 7, 0, 0, 0, 0, 8, 9}));
  EXPECT_TRUE(m.holds(10000, 12));
  EXPECT_TRUE(m.holds(10011, 1));
  EXPECT_FALSE(m.holds(9999, 1));
  EXPECT_FALSE(m.holds(10011, 2));
  EXPECT_FALSE(m.holds(10000, -1));
}

TEST(SimRegisterMap, AnEmptySnapshotHoldsNothing) {
  const RegisterMap m(Snapshot{});
  EXPECT_EQ(m.size(), 0);
  EXPECT_FALSE(m.holds(0, 1));
}

TEST(SimRegisterMap, WritesChangeTheWords) {
  RegisterMap m(Snapshot{{50000, {0, 0, 0}}});
  m.write(50001, V{258, 259});
  EXPECT_EQ(read(m, 50000, 3), (V{0, 258, 259}));
}

TEST(SimRegisterMap, TheOverlaySetsWhatFitsAndIgnoresTheRest) {
  RegisterMap m(Snapshot{{100, {1, 1, 1, 1}}});
  m.overlay(Snapshot{{99, {5}}, {101, {6, 7}}, {103, {8, 9}}, {200, {1}}});
  EXPECT_EQ(read(m, 100, 4), (V{1, 6, 7, 1}));
}

}  // namespace mtec::sim::register_map_test
