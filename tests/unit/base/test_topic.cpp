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

}  // namespace
}  // namespace mtec
