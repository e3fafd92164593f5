// Frames: timestamps from outside are parsed only when the clock can hold
// them (a fuzzer's year 4052 overflowed the nanosecond clock).
#include <gtest/gtest.h>

#include "mtec/inverter/frame.hpp"

namespace mtec {
namespace {

TEST(Frame, TimestampsParseTheFramesFormat) {
  const auto t = parse_timestamp("2026-12-01T10:00:00.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(iso_timestamp(*t), "2026-12-01T10:00:00.123Z");
  EXPECT_TRUE(parse_timestamp("2026-12-01T10:00:00Z"));
  EXPECT_EQ(iso_timestamp(*parse_timestamp("2026-12-01T10:00:00.5Z")), "2026-12-01T10:00:00.500Z");
}

TEST(Frame, TimestampsTheClockCannotHoldAreRefused) {
  for (const char* bad :
       {"4052-12-01T10:00:00.000Z", "1969-12-31T23:59:59Z", "2026-13-01T10:00:00Z",
        "2026-12-01T25:00:00Z", "2026-12-01T10:00:00.-12Z", "2026-12-01T10:00:00", "", "x",
        "9999-99-99T99:99:99Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_timestamp(bad));
  }
}

}  // namespace
}  // namespace mtec
