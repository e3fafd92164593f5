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

}  // namespace
}  // namespace mtec
