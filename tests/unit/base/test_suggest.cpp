// Suggestions for misspelt names: near ones only.
#include <gtest/gtest.h>

#include "mtec/base/suggest.hpp"

namespace mtec {
namespace {

TEST(Suggest, TheNearestNameWhenItIsALikelyMisspelling) {
  const std::vector<std::string> keys = {"MODBUS_PORT", "MODBUS_PORT2", "MQTT_PORT", "DEBUG"};
  EXPECT_EQ(nearest_name("MODBUS_PROT", keys), "MODBUS_PORT");
  EXPECT_EQ(nearest_name("modbus_port", keys), "MODBUS_PORT");  // case only
  EXPECT_EQ(nearest_name("DEBGU", keys), "DEBUG");
  EXPECT_FALSE(nearest_name("REFRESH_NOW", keys));
  EXPECT_FALSE(nearest_name("", keys));
  EXPECT_EQ(did_you_mean("now-bse", {"now-base", "now-pv"}), "; did you mean now-base?");
  EXPECT_EQ(did_you_mean("xyz", {"now-base"}), "");
}

}  // namespace
}  // namespace mtec
