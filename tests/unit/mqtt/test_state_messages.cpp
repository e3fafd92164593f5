// What mtec-publish sends for a frame and forwards for a /set command.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/mqtt/state_messages.hpp"
#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {
namespace {

TEST(StateMessages, OneLegacyMessagePerScalarValueInFrameOrder) {
  const Json values = Json::parse(
      R"({"grid_power": -1234, "battery_soc": 55.5, "mode": "Economic mode", "nested": {"a": 1},
          "list": [1], "flag": true})");
  const auto m = state_messages(values, "MTEC", "S1", "now-base", FloatFormat::legacy_default());
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].topic, "MTEC/S1/now-base/grid_power/state");
  EXPECT_EQ(m[0].payload, "-1234");
  EXPECT_EQ(m[1].topic, "MTEC/S1/now-base/battery_soc/state");
  EXPECT_EQ(m[1].payload, "55.500");  // MQTT_FLOAT_FORMAT {:.3f}
  EXPECT_EQ(m[2].payload, "Economic mode");
  EXPECT_EQ(m[3].topic, "MTEC/S1/now-base/flag/state");
}

TEST(StateMessages, TheReadingAsOneObjectHoldsWhatTheStateMessagesCarry) {
  const Json values = Json::parse(
      R"({"grid_power": -1234, "battery_soc": 55.5, "mode": "Economic mode", "nested": {"a": 1},
          "flag": true})");
  const auto r = reading_message(values, "2026-01-20T11:00:00Z", "pv/mtec", "S1", "now-base");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->topic, "pv/mtec/S1/now-base");
  EXPECT_EQ(r->payload,
            R"({"ts":"2026-01-20T11:00:00Z","serial":"S1","group":"now-base","values":)"
            R"({"grid_power":-1234,"battery_soc":55.5,"mode":"Economic mode","flag":true}})");
  EXPECT_FALSE(reading_message(Json::parse(R"({"nested": {"a": 1}})"), "", "M", "S", "g"));
  EXPECT_EQ(reading_message(Json::parse(R"({"a": 1})"), "", "M", "S", "g")->payload,
            R"({"serial":"S","group":"g","values":{"a":1}})");
}

TEST(StateMessages, ARootOfSeveralLevelsIsKept) {
  const auto m = state_messages(Json::parse(R"({"pv": 1})"), "home/inverter", "S1", "now-base",
                                FloatFormat::legacy_default());
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].topic, "home/inverter/S1/now-base/pv/state");
}

TEST(StateMessages, LevelsThatCannotBeTopicsAreNamed) {
  const Json ok = Json::parse(R"({"pv": 1})");
  EXPECT_EQ(unpublishable_level("S1", "now-base", ok), "");
  EXPECT_EQ(unpublishable_level("A/B", "now-base", ok), "serial 'A/B'");
  EXPECT_EQ(unpublishable_level("S1", "#", ok), "group '#'");
  EXPECT_EQ(unpublishable_level("S1", "now-base", Json::parse(R"({"pv": 1, "a+": 2})")),
            "key 'a+'");
  EXPECT_EQ(unpublishable_level("", "now-base", ok), "serial ''");
}

TEST(StateMessages, TheDeviceComesFromACompleteStaticFrame) {
  DiscoveryOptions base;
  base.serial = "S1";
  const auto d = device_from_static(
      Json::parse(
          R"({"serial_no": "S1", "equipment_info": "8.0K-25A-3P", "firmware_version": "V1"})"),
      base);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->serial, "S1");
  EXPECT_EQ(d->equipment, "8.0K-25A-3P");
  EXPECT_EQ(d->firmware, "V1");
  EXPECT_FALSE(device_from_static(Json::parse(R"({"serial_no": "S1"})"), base));
  EXPECT_FALSE(device_from_static(Json::parse("[]"), base));
}

TEST(StateMessages, ACommandBecomesOneLineForMtecWrite) {
  const auto& c = test::project_catalog();
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const std::string mode = mqtt::set_topic("MTEC", "S1", group_name(c.find("mode")->group), "mode");
  const auto line = command_line(c, mode, "Economic mode", "MTEC", "S1", t);
  ASSERT_TRUE(line);
  // the value as it came, not encoded: mtec-write encodes it, once
  EXPECT_EQ(*line, R"({"ts":"2027-01-15T08:00:00.000Z","key":"mode","value":"Economic mode",)"
                   R"("topic":")" +
                       mode + R"("})");
  EXPECT_FALSE(command_line(c, "MTEC/S1/set", "1", "MTEC", "S1", t));  // no command topic
  try {
    command_line(c, "MTEC/S1/now-base/nosuch/set", "1", "MTEC", "S1", t);
    ADD_FAILURE() << "an unknown key was forwarded";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::usage);
    EXPECT_STREQ(e.what(), "unknown register 'nosuch'");
  }
  EXPECT_THROW(command_line(c, "MTEC/S1/now-base/consumption/set", "1", "MTEC", "S1", t), Error);
  const Register& soc = *c.find("battery_soc");  // read-only
  try {
    command_line(c, mqtt::set_topic("MTEC", "S1", group_name(soc.group), soc.mqtt), "1", "MTEC",
                 "S1", t);
    ADD_FAILURE() << "a read-only key was forwarded";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::no_perm);
    EXPECT_EQ(std::string(e.what()), fmt::format("battery_soc ({}) is read-only", *soc.address));
  }
  // bytes that are no UTF-8 cannot go into the JSON line (nor be a value)
  try {
    command_line(c, mode, "2\xff", "MTEC", "S1", t);
    ADD_FAILURE() << "a payload that is no UTF-8 was forwarded";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::data);
    EXPECT_STREQ(e.what(), "mode (50000): '2\\xff' is not UTF-8 text");
  }
  // a serial that is no UTF-8 (the session refuses such frames) does not throw
  const auto odd =
      command_line(c, "MTEC/S\xc0/" + std::string(group_name(c.find("mode")->group)) + "/mode/set",
                   "258", "MTEC", "S\xc0", t);
  ASSERT_TRUE(odd);
  EXPECT_NE(odd->find("\"topic\":\"MTEC/S\xef\xbf\xbd/"), std::string::npos) << *odd;
  // a value the register does not take is mtec-write's to refuse
  const auto bad = command_line(c, mode, "3", "MTEC", "S1", t);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find(R"("value":"3")"), std::string::npos) << *bad;
}

TEST(StateMessages, OnlyTheAnnouncedCommandTopicIsACommand) {
  const auto& c = test::project_catalog();
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const std::string group(group_name(c.find("charge_limit")->group));
  ASSERT_NE(group, "now-grid");
  EXPECT_TRUE(command_line(c, "MTEC/S1/" + group + "/charge_limit/set", "20", "MTEC", "S1", t));
  EXPECT_FALSE(command_line(c, "MTEC/S1/now-grid/charge_limit/set", "20", "MTEC", "S1", t));
  EXPECT_FALSE(command_line(c, "MTEC/S1//charge_limit/set", "20", "MTEC", "S1", t));
  EXPECT_FALSE(command_line(c, "MTEC/S2/" + group + "/charge_limit/set", "20", "MTEC", "S1", t));
  EXPECT_FALSE(command_line(c, "MTEC/S1/" + group + "/charge_limit/set/x", "20", "MTEC", "S1", t));
}

TEST(StateMessages, APayloadOverTheBoundIsRefusedAndLinesFitPipeBuf) {
  const auto& c = test::project_catalog();
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const std::string topic =
      "MTEC/S1/" + std::string(group_name(c.find("charge_limit")->group)) + "/charge_limit/set";
  const std::string padded = std::string(30, ' ') + "2" + std::string(33, ' ');  // 64 bytes
  EXPECT_TRUE(command_line(c, topic, padded, "MTEC", "S1", t));
  try {
    command_line(c, topic, padded + " ", "MTEC", "S1", t);
    ADD_FAILURE() << "a 65-byte payload was forwarded";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::data);
    EXPECT_NE(std::string(e.what()).find("65 bytes"), std::string::npos) << e.what();
  }
  const std::string root(5000, 'R');
  EXPECT_THROW(command_line(c,
                            root + "/S1/" + std::string(group_name(c.find("charge_limit")->group)) +
                                "/charge_limit/set",
                            "20", root, "S1", t),
               Error);
}

}  // namespace
}  // namespace mtec::mqtt
