// Discovery messages are byte-identical to every case's, in order.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/base/topic.hpp"
#include "mtec/mqtt/discovery.hpp"
#include "mtec/mqtt/session_options.hpp"

namespace mtec::mqtt {
namespace {

// The discovery options of a golden case (its config and static values).
DiscoveryOptions options_of(const nlohmann::json& c) {
  DiscoveryOptions o = discovery_options(Options{}, c["serial"].get<std::string>());
  o.hass_base_topic = c["config"]["HASS_BASE_TOPIC"];
  o.mqtt_topic = c["config"]["MQTT_TOPIC"];
  o.equipment = c["equipment_info"];
  o.firmware = c["firmware_version"];
  return o;
}

TEST(DiscoveryGolden, ByteIdenticalAndInOrderForEveryCase) {
  for (const auto& name : test::golden_cases()) {
    const auto& c = test::golden(name);
    DiscoveryOptions o = options_of(c);
    const auto got = discovery_messages(test::project_catalog(), o);
    const auto& want = c["discovery"];
    ASSERT_EQ(got.size(), want.size()) << name;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].topic, want[i]["topic"].get<std::string>()) << name << " #" << i;
      EXPECT_EQ(got[i].payload, want[i]["payload"].get<std::string>()) << name << " #" << i;
      EXPECT_TRUE(want[i]["retain"].get<bool>());
    }
    // the command topics are the subscriptions after discovery, in order
    std::vector<std::string> commands;
    for (const auto& m : got)
      if (!m.command_topic.empty()) commands.push_back(m.command_topic);
    std::vector<std::string> subscribed;
    for (const auto& s : c["subscriptions"]["after_discovery"]) subscribed.push_back(s["topic"]);
    EXPECT_EQ(commands, subscribed) << name;
  }
}

TEST(DiscoveryProbes, TopicListAndMqttTopicRoots) {
  DiscoveryOptions o = discovery_options(Options{}, "SERIAL");
  std::vector<std::string> topics;
  for (const auto& m : discovery_messages(test::project_catalog(), o)) topics.push_back(m.topic);
  std::vector<std::string> want;
  for (const auto& t : test::golden("probes.json")["discovery_topics"]) want.push_back(t);
  EXPECT_EQ(topics, want);
  for (const auto& row : test::golden("probes.json")["mqtt_topic_root"]) {
    o.mqtt_topic = row["MQTT_TOPIC"];
    const auto msgs = discovery_messages(test::project_catalog(), o);
    for (const auto& [suffix, keys] : row["discovery"].items()) {
      const auto it = std::find_if(msgs.begin(), msgs.end(), [&](const DiscoveryMessage& m) {
        return m.topic == "homeassistant/" + suffix;
      });
      ASSERT_NE(it, msgs.end()) << suffix;
      const auto payload = nlohmann::json::parse(it->payload);
      for (const auto& [k, v] : keys.items()) EXPECT_EQ(payload[k], v) << suffix << " " << k;
    }
  }
}

TEST(Discovery, PythonJsonEscapes) {
  EXPECT_EQ(python_json_string("\xc2\xb0"
                               "C"),
            "\"\\u00b0C\"");
  EXPECT_EQ(python_json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(python_json_string("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");
}

TEST(Discovery, SerialUniqueIdsAndDeviceName) {
  Options session;
  session.serial_unique_ids = true;
  session.device_name = "Garage inverter";
  DiscoveryOptions o = discovery_options(session, "S1");
  const auto msgs = discovery_messages(test::project_catalog(), o);
  EXPECT_EQ(msgs.front().topic, "homeassistant/sensor/MTEC_S1_consumption/config");
  const auto p = nlohmann::json::parse(msgs.front().payload);
  EXPECT_EQ(p["unique_id"], "MTEC_S1_consumption");
  EXPECT_EQ(p["device"]["name"], "Garage inverter");
}

TEST(Topic, ALevelHasNoSeparatorWildcardNulOrBadUtf8) {
  EXPECT_TRUE(valid_topic_level("B2308P01240004"));
  EXPECT_TRUE(valid_topic_level("\xc3\xa4rger"));  // UTF-8
  for (const std::string& bad :
       {std::string(), std::string("A/B"), std::string("a+"), std::string("#"),
        std::string("a\0b", 3), std::string("\xff\xff"), std::string("\xc3"),
        std::string("\xed\xa0\x80"), std::string("\xc0\xaf")}) {
    EXPECT_FALSE(valid_topic_level(bad)) << bad;
  }
}

TEST(Discovery, AvailabilityAddsItsThreeKeysToEveryPayloadAndNothingElse) {
  for (const auto& name : test::golden_cases()) {
    const auto& c = test::golden(name);
    DiscoveryOptions o = options_of(c);
    o.availability_topic = "MTEC/M-TEC-MQTT/availability";
    const auto got = discovery_messages(test::project_catalog(), o);
    const auto& want = c["discovery"];
    ASSERT_EQ(got.size(), want.size());
    const std::string tail =
        ", \"availability_topic\": \"MTEC/M-TEC-MQTT/availability\", \"payload_available\": "
        "\"online\", \"payload_not_available\": \"offline\"}";
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string& p = got[i].payload;
      ASSERT_GT(p.size(), tail.size());
      EXPECT_EQ(p.substr(p.size() - tail.size()), tail) << name << " #" << i;
      EXPECT_EQ(p.substr(0, p.size() - tail.size()) + "}", want[i]["payload"].get<std::string>());
    }
  }
}

}  // namespace
}  // namespace mtec::mqtt
