// The topic layout: every topic is built in one module, and a /set topic
// parses back to the levels it was built from.
#include <gtest/gtest.h>

#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {
namespace {

TEST(Topics, EveryTopicOfTheLegacyLayout) {
  EXPECT_EQ(state_topic("MTEC", "S1", "now-base", "grid_power"),
            "MTEC/S1/now-base/grid_power/state");
  EXPECT_EQ(set_topic("MTEC", "S1", "config", "charge_limit"), "MTEC/S1/config/charge_limit/set");
  EXPECT_EQ(set_subscription("MTEC", "S1"), "MTEC/S1/+/+/set");
  EXPECT_EQ(discovery_topic("homeassistant", "sensor", "MTEC_grid_power"),
            "homeassistant/sensor/MTEC_grid_power/config");
  EXPECT_EQ(availability_topic("MTEC", "M-TEC-MQTT"), "MTEC/M-TEC-MQTT/availability");
  EXPECT_EQ(group_topic("MTEC", "S1", "now-base"), "MTEC/S1/now-base");
  EXPECT_EQ(hass_status_topic("homeassistant"), "homeassistant/status");
  EXPECT_EQ(barrier_topic("MTEC", "S1"), "MTEC/S1/mtec-publish-barrier");
}

TEST(Topics, TheWillIsTheAvailabilityTopicWhenAvailabilityIsOnElseTheLegacyLwt) {
  EXPECT_EQ(will_topic("homeassistant", "MTEC", "M-TEC-MQTT", false), "homeassistant/status/lwt");
  EXPECT_EQ(will_topic("homeassistant", "MTEC", "M-TEC-MQTT", true),
            "MTEC/M-TEC-MQTT/availability");
}

TEST(Topics, ASetTopicParsesBackToItsLevels) {
  for (const std::string root : {"MTEC", "pv/mtec", "x/y/z"})
    for (const SetTopic& t :
         {SetTopic{"S1", "config", "charge_limit"}, SetTopic{"B2308P01240004", "now-base", "mode"},
          SetTopic{"S1", "", "k"}, SetTopic{"S1", "g", ""}}) {
      const auto parsed = parse_set_topic(set_topic(root, t.serial, t.group, t.key), root);
      ASSERT_TRUE(parsed) << root << " " << t.key;
      EXPECT_EQ(*parsed, t);
    }
}

TEST(Topics, AMalformedSetTopicIsRejected) {
  for (const char* bad :
       {"", "MTEC", "MTEC/", "MTEC/S1/set", "MTEC/S1/now-base/set", "MTEC/S1/now-base/mode",
        "MTEC/S1/now-base/mode/state", "MTEC/S1/now-base/mode/set/x", "MTEC/S1/a/now-base/mode/set",
        "MTECX/S1/now-base/mode/set", "OTHER/S1/now-base/mode/set", "/MTEC/S1/now-base/mode/set",
        "MTEC/S1/now-base/mode/sets"})
    EXPECT_FALSE(parse_set_topic(bad, "MTEC")) << bad;
  // the root's own levels are the root's, not the serial's
  EXPECT_FALSE(parse_set_topic("pv/S1/config/charge_limit/set", "pv/mtec"));
  EXPECT_EQ(parse_set_topic("pv/mtec/S1/config/charge_limit/set", "pv/mtec")->key, "charge_limit");
}

}  // namespace
}  // namespace mtec::mqtt
