// What may be one level of an MQTT topic (a serial, a group, a key).
#include <gtest/gtest.h>

#include "mtec/base/topic.hpp"

namespace mtec {
namespace {

TEST(Topic, ALevelIsNonEmptyUtf8WithoutSeparatorsWildcardsOrNul) {
  EXPECT_TRUE(valid_topic_level("MTECSIM00000001"));
  EXPECT_TRUE(valid_topic_level("now-base"));
  EXPECT_TRUE(
      valid_topic_level("Temperatur \xc2\xb0"
                        "C"));
  EXPECT_FALSE(valid_topic_level(""));
  EXPECT_FALSE(valid_topic_level("A/B"));
  EXPECT_FALSE(valid_topic_level("a+"));
  EXPECT_FALSE(valid_topic_level("#"));
  EXPECT_FALSE(valid_topic_level(std::string_view("a\0b", 3)));
  EXPECT_FALSE(valid_topic_level("\xff"));
}

TEST(Topic, ControlCharactersAreNoLevel) {
  EXPECT_FALSE(valid_topic_level("X\n<0>PWNED\x1b[31m!"));
  EXPECT_FALSE(valid_topic_level("a\tb"));
  EXPECT_FALSE(valid_topic_level("del\x7f"));
  EXPECT_FALSE(valid_topic_level("c1\xc2\x85"));  // U+0085, valid UTF-8
  EXPECT_FALSE(
      valid_topic_level("\xc2\x9b"
                        "31m"));
  EXPECT_TRUE(valid_topic_level("\xc2\xa0nbsp"));  // U+00A0 is no control character
}

}  // namespace
}  // namespace mtec
