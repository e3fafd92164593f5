#include <gtest/gtest.h>

#include <set>

#include "mtec/base/errors.hpp"
#include "mtec/config/config.hpp"
#include "mtec/config/config_keys.hpp"
#include "no_env.hpp"

namespace mtec {
namespace {

using test::no_env;

TEST(ConfigKeys, EveryFallbackParsesToTheDefaultOfItsMember) {
  Settings s;
  s.modbus_port = 1;  // changed, so that the fallbacks must set them back
  s.mqtt_topic = "other";
  s.hass_enable = true;
  s.modbus_port2 = 7;
  for (const auto& k : config_keys()) k.apply(k.fallback, s);
  EXPECT_TRUE(s == Settings{});
}

TEST(ConfigKeys, AConfigOfEveryFallbackGivesTheDefaults) {
  std::string yaml;
  for (const auto& k : config_keys()) yaml += std::string(k.name) + ": \"" + k.fallback + "\"\n";
  EXPECT_TRUE(Config::parse(yaml, "c.yaml", no_env()).settings() == Settings{});
}

TEST(ConfigKeys, NamesAreUniqueAndOnlyThePasswordIsSecret) {
  std::set<std::string> names;
  for (const auto& k : config_keys()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_EQ(k.secret, std::string(k.name) == "MQTT_PASSWORD") << k.name;
  }
  EXPECT_EQ(key_names().size(), config_keys().size());
}

const ConfigKey& key(const std::string& name) {
  for (const auto& k : config_keys())
    if (k.name == name) return k;
  throw std::out_of_range(name);
}

std::string broken_rule(const std::string& name, const std::string& value) {
  Settings s;
  try {
    key(name).apply(value, s);
  } catch (const KeyRuleBroken& b) {
    return b.rule;
  }
  return "";
}

TEST(ConfigKeys, EachKindHasItsRuleAndBounds) {
  EXPECT_EQ(broken_rule("MODBUS_PORT", "0"), "must be an integer 1..65535");
  EXPECT_EQ(broken_rule("MODBUS_PORT", "65535"), "");
  EXPECT_EQ(broken_rule("MODBUS_PORT", "80x"), "must be an integer 1..65535");
  EXPECT_EQ(broken_rule("MODBUS_TIMEOUT", "0"), "must be a number > 0 and <= 600");
  EXPECT_EQ(broken_rule("MODBUS_TIMEOUT", "0.5"), "");
  EXPECT_EQ(broken_rule("WRITE_MIN_INTERVAL", "0"), "");
  EXPECT_EQ(broken_rule("WRITE_MIN_INTERVAL", "nan"), "must be a number 0..3600");
  EXPECT_EQ(broken_rule("HASS_BIRTH_GRACETIME", "-1"), "must be a number 0..600");
  EXPECT_EQ(broken_rule("HASS_ENABLE", "maybe"), "must be true or false");
  EXPECT_EQ(broken_rule("MQTT_TOPIC", ""), "must not be empty");
  EXPECT_EQ(broken_rule("LOG_FORMAT", "xml"), "must be text or json");
  EXPECT_THROW(broken_rule("MQTT_FLOAT_FORMAT", "{:d}"), Error);
}

TEST(ConfigKeys, TheLegacySocketFramerMeansTcpAndAnEmptyPort2None) {
  Settings s;
  key("MODBUS_FRAMER").apply("socket", s);
  EXPECT_EQ(s.modbus_framer, "tcp");
  key("MODBUS_FRAMER").apply("rtu", s);
  EXPECT_EQ(s.modbus_framer, "rtu");
  key("MODBUS_PORT2").apply("5020", s);
  EXPECT_EQ(s.modbus_port2, 5020);
  key("MODBUS_PORT2").apply("", s);
  EXPECT_FALSE(s.modbus_port2);
}

}  // namespace
}  // namespace mtec
