// Payloads as the legacy formats them, driven by probes.json "float_format".
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/inverter/format.hpp"

namespace mtec {
namespace {

// The probes key is the Python repr of the value: 230.1, 0, True, 'text'.
Value value_of_repr(const std::string& repr) {
  if (repr == "True") return Value{true};
  if (repr == "False") return Value{false};
  if (repr.front() == '\'') return Value{repr.substr(1, repr.size() - 2)};
  if (repr.find_first_of(".en") != std::string::npos) return Value{std::stod(repr)};
  return Value{static_cast<int64_t>(std::stoll(repr))};
}

TEST(FormatProbes, EveryFloatFormatRow) {
  const auto& rows = test::golden("probes.json")["float_format"];
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    const auto ff = FloatFormat::parse(row["MQTT_FLOAT_FORMAT"].get<std::string>());
    for (const auto& [repr, payload] : row["payloads"].items())
      EXPECT_EQ(format_payload(value_of_repr(repr), ff), payload.get<std::string>())
          << row["MQTT_FLOAT_FORMAT"] << " " << repr;
  }
}

TEST(Format, IntsStringsBools) {
  const auto f = FloatFormat::legacy_default();
  EXPECT_EQ(format_payload(Value{int64_t{-1234}}, f), "-1234");
  EXPECT_EQ(format_payload(Value{int64_t{4294967295}}, f), "4294967295");
  EXPECT_EQ(format_payload(Value{std::string("on-grid")}, f), "on-grid");
  EXPECT_EQ(format_payload(Value{true}, f), "1");
}

}  // namespace
}  // namespace mtec
