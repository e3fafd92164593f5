// Strict UTF-8: what the MQTT spec and JSON output accept.
#include <gtest/gtest.h>

#include "mtec/base/utf8.hpp"

namespace mtec {
namespace {

TEST(Utf8, WellFormedOnly) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("\xc2\xb0"));          // U+00B0
  EXPECT_TRUE(valid_utf8("\xe2\x82\xac"));      // U+20AC
  EXPECT_TRUE(valid_utf8("\xf0\x9f\x94\x8b"));  // U+1F50B
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc2"));              // truncated
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(Utf8, SequenceGivesLengthAndCodePoint) {
  uint32_t cp = 0;
  EXPECT_EQ(utf8_sequence("\xc3\xa4", 0, cp), 2u);
  EXPECT_EQ(cp, 0xE4u);
  EXPECT_EQ(utf8_sequence("x\xe2\x80\xa8", 1, cp), 3u);
  EXPECT_EQ(cp, 0x2028u);
  EXPECT_EQ(utf8_sequence("\xf0\x9f\x98\x80", 0, cp), 4u);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(utf8_sequence("a", 0, cp), 0u);             // ASCII is no sequence
  EXPECT_EQ(utf8_sequence("\xc3", 0, cp), 0u);          // cut off
  EXPECT_EQ(utf8_sequence("\xed\xa0\x80", 0, cp), 0u);  // a surrogate
  EXPECT_EQ(utf8_sequence("\xe0\x80\x80", 0, cp), 0u);  // overlong
}

}  // namespace
}  // namespace mtec
