// Decoding + formatting reproduce the contract's payloads, driven by the
// golden fixtures (every case file and the probes tables).
#include <gtest/gtest.h>

#include <map>

#include "golden.hpp"
#include "mtec/inverter/decode.hpp"
#include "mtec/inverter/format.hpp"

namespace mtec {
namespace {

using nlohmann::json;

std::string kind_of(const Value& v) {
  if (is_int(v)) return "int";
  if (is_float(v)) return "float";
  if (is_str(v)) return "str";
  return "bool";
}

const Register& reg_at(const std::string& address) {
  const Register* r = test::project_catalog().by_address(static_cast<uint16_t>(std::stoi(address)));
  if (!r) throw std::runtime_error("no catalog register at " + address);
  return *r;
}

TEST(DecodeGolden, EveryNumericRegisterOfEveryCaseFormatsToItsPayload) {
  const auto cases = test::golden_cases();
  ASSERT_FALSE(cases.empty());
  for (const auto& name : cases) {
    const json& c = test::golden(name);
    const auto ff = FloatFormat::parse(c["config"].value("MQTT_FLOAT_FORMAT", ".3f"));
    std::map<std::string, json> by_topic;
    for (const auto& m : c["messages"]) by_topic[m["topic"]] = m;
    const std::string base =
        c["config"]["MQTT_TOPIC"].get<std::string>() + "/" + c["serial"].get<std::string>() + "/";
    int checked = 0;
    for (const auto& r : test::project_catalog().entries()) {
      if (!r.address) continue;
      const auto words = test::words_of(c["snapshot"][std::to_string(*r.address)]);
      const auto v = decode(r, words);
      ASSERT_TRUE(v) << name << " " << r.key;
      const std::string topic = base + std::string(group_name(r.group)) + "/" + r.mqtt + "/state";
      ASSERT_TRUE(by_topic.count(topic)) << name << ": no message on " << topic;
      EXPECT_EQ(format_payload(*v, ff), by_topic[topic]["payload"].get<std::string>())
          << name << " " << topic;
      EXPECT_EQ(kind_of(*v), by_topic[topic]["value_kind"].get<std::string>())
          << name << " " << topic;
      ++checked;
    }
    EXPECT_EQ(checked, 86) << name;
  }
}

void check_rows(const char* table) {
  const json& rows = test::golden("probes.json")[table];
  ASSERT_FALSE(rows.empty()) << table;
  const auto ff = FloatFormat::legacy_default();
  for (const auto& row : rows) {
    const Register& r = reg_at(row["register"]);
    EXPECT_EQ(r.mqtt, row["mqtt"].get<std::string>());
    const auto v = decode(r, test::words_of(row["words"]));
    if (row.contains("group_result")) {
      EXPECT_FALSE(v) << table << " " << row.dump() << ": must be undecodable";
      continue;
    }
    ASSERT_TRUE(v) << table << " " << row.dump();
    EXPECT_EQ(format_payload(*v, ff), row["payload"].get<std::string>())
        << table << " " << row.dump();
    EXPECT_EQ(kind_of(*v), row["python_type"].get<std::string>()) << table << " " << row.dump();
  }
}

TEST(DecodeProbes, EnumRows) { check_rows("enum"); }
TEST(DecodeProbes, BitRows) { check_rows("bit"); }
TEST(DecodeProbes, NumericRows) { check_rows("numeric"); }
TEST(DecodeProbes, StringLikeRows) { check_rows("string_like"); }

TEST(Decode, WrongWordCountIsUndecodable) {
  const Register& r = reg_at("11000");
  const uint16_t one[] = {1};
  EXPECT_FALSE(decode(r, one));
}

TEST(Decode, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("abc"));
  EXPECT_TRUE(valid_utf8("\xc3\x84"));
  EXPECT_FALSE(valid_utf8("\xc3"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));      // overlong
}

}  // namespace
}  // namespace mtec
