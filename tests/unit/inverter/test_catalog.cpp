// The catalog: same content as the legacy catalog (plus D3 and our
// extensions), and validation errors that name file:line:column and entry.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "golden.hpp"
#include "mtec/base/errors.hpp"

namespace mtec {
namespace {

std::string legacy_path() { return test::golden_dir() + "/../legacy-registers.yaml"; }

TEST(Catalog, MatchesTheLegacyCatalogEntryByEntry) {
  const YAML::Node legacy = YAML::LoadFile(legacy_path());
  const auto& entries = test::project_catalog().entries();
  ASSERT_EQ(entries.size(), legacy.size());
  const std::set<std::string> d3 = {"33003", "33009", "33011"};
  size_t i = 0;
  for (const auto& kv : legacy) {
    const Register& r = entries[i++];
    const std::string key = kv.first.as<std::string>();
    const YAML::Node e = kv.second;
    SCOPED_TRACE(key);
    EXPECT_EQ(r.key, key);
    auto s = [&](const char* k) { return e[k] ? e[k].as<std::string>() : std::string(); };
    EXPECT_EQ(r.name, s("name"));
    EXPECT_EQ(r.mqtt, s("mqtt"));
    EXPECT_EQ(group_name(r.group), s("group"));
    EXPECT_EQ(r.unit, s("unit"));
    EXPECT_EQ(r.scale, e["scale"] ? e["scale"].as<int>() : 1);
    EXPECT_EQ(r.writable, e["writable"] ? e["writable"].as<bool>() : false);
    EXPECT_EQ(r.hass_component_type, s("hass_component_type"));
    EXPECT_EQ(r.hass_device_class, s("hass_device_class"));
    EXPECT_EQ(r.hass_value_template, s("hass_value_template"));
    EXPECT_EQ(r.hass_state_class, s("hass_state_class"));
    EXPECT_EQ(r.hass_payload_on, s("hass_payload_on"));
    EXPECT_EQ(r.hass_payload_off, s("hass_payload_off"));
    if (e["type"]) {
      EXPECT_EQ(r.length, e["length"].as<int>());
      EXPECT_EQ(type_name(r.type), d3.count(key) ? std::string("I16") : s("type"));
    }
    std::vector<std::pair<int64_t, std::string>> items;
    if (e["hass_value_items"])
      for (const auto& it : e["hass_value_items"])
        items.emplace_back(it.first.as<int64_t>(), it.second.as<std::string>());
    EXPECT_EQ(r.value_items, items);
    EXPECT_EQ(r.writable, r.min.has_value() && r.max.has_value()) << "writable needs min/max";
    EXPECT_EQ(r.is_calculated(), !r.formula.empty());
  }
}

TEST(Catalog, LookupByMqttAddressKeyAndName) {
  const Catalog& c = test::project_catalog();
  EXPECT_EQ(c.find("grid_power")->key, "11000");
  EXPECT_EQ(c.find("11000")->mqtt, "grid_power");
  EXPECT_EQ(c.find("consumption-day")->mqtt, "consumption_day");
  EXPECT_EQ(c.find("Battery SOC") ? c.find("Battery SOC")->mqtt : "", "battery_soc");
  EXPECT_EQ(c.find("nonsense"), nullptr);
  EXPECT_EQ(c.group(Group::now_base).size(), 20u);
  EXPECT_EQ(c.group(Group::statics).size(), 3u);
}

// Parse `text` as catalog "t.yaml" and return the config error message.
std::string error_of(const std::string& text) {
  try {
    Catalog::parse(text, "t.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return {};
}

const char* kGood = R"("100":
  name: A
  length: 1
  type: U16
  mqtt: a
  group: now-base
)";

TEST(CatalogErrors, EachNamesFileLineAndEntry) {
  EXPECT_EQ(error_of(std::string(kGood) + R"("101":
  name: B
  length: 1
  type: U16
  mqtt: a
  group: now-base
)"),
            "t.yaml:7:1: register '101': duplicate mqtt key 'a' (first used by register '100')");
  EXPECT_EQ(
      error_of(R"("100":
  name: A
  length: 1
  type: U17
  mqtt: a
  group: now-base
)"),
      "t.yaml:4:9: register '100': unknown type 'U17' (U16, I16, U32, I32, STR, BYTE, BIT, DAT)");
  EXPECT_EQ(error_of(std::string(kGood) + R"("99":
  name: B
  length: 2
  type: U32
  mqtt: b
  group: now-base
)"),
            "t.yaml:7:1: register '99': addresses 99..100 overlap register '100'");
  EXPECT_NE(error_of("\"100\": [\n").find("t.yaml:2:1: invalid YAML"), std::string::npos);
}

TEST(CatalogErrors, Rules) {
  auto with = [](const std::string& extra) { return std::string(kGood) + extra; };
  EXPECT_NE(
      error_of(with("  colour: red\n")).find("t.yaml:7:3: register '100': unknown key 'colour'"),
      std::string::npos);
  EXPECT_NE(error_of(R"("100":
  name: A
  length: 2
  type: U16
  mqtt: a
  group: now-base
)")
                .find("type U16 has length 1, not 2"),
            std::string::npos);
  EXPECT_NE(error_of(R"("70000":
  name: A
  length: 1
  type: U16
  mqtt: a
  group: now-base
)")
                .find("address must be 0..65535"),
            std::string::npos);
  EXPECT_NE(error_of(R"("100":
  name: A
  length: 1
  type: U16
  mqtt: Big
  group: now-base
)")
                .find("must be lowercase"),
            std::string::npos);
  EXPECT_NE(error_of(R"("100":
  name: A
  length: 1
  type: U16
  mqtt: a
  group: later
)")
                .find("unknown group 'later'"),
            std::string::npos);
  EXPECT_NE(error_of(with("  hass_component_type: button\n")).find("unknown hass_component_type"),
            std::string::npos);
  EXPECT_NE(error_of(with("  hass_value_items: {70000: x}\n"))
                .find("value item 70000 does not fit type U16"),
            std::string::npos);
  EXPECT_NE(error_of(R"("100":
  name: A
  length: 8
  type: STR
  writable: true
  mqtt: a
  group: now-base
)")
                .find("only U16, I16, U32 and I32 registers can be writable"),
            std::string::npos);
  EXPECT_NE(
      error_of(with("  writable: true\n  min: 0\n  max: 70000\n")).find("max 70000 is outside"),
      std::string::npos);
  EXPECT_NE(error_of(R"("c":
  name: C
  mqtt: c
  group: now-base
)")
                .find("needs a 'formula'"),
            std::string::npos);
}

TEST(Catalog, MissingFileIsNoInput) {
  try {
    Catalog::load("/nonexistent/registers.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::no_input);
  }
}

TEST(Catalog, BuiltInIsTheSourceFileAsBuilt) {
  // the generated built-in catalog holds what parsing the file gives, field
  // by field, positions included (named as the built-in catalog)
  std::ifstream in(std::string(MTEC_SOURCE_DIR) + "/registers/registers.yaml", std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(file.empty());
  const Catalog parsed = Catalog::parse(file, kBuiltinCatalogName);
  const Catalog built = builtin_catalog();
  EXPECT_EQ(built.file(), kBuiltinCatalogName);
  ASSERT_EQ(built.entries().size(), parsed.entries().size());
  for (size_t i = 0; i < parsed.entries().size(); ++i)
    EXPECT_TRUE(built.entries()[i] == parsed.entries()[i]) << parsed.entries()[i].where();
  ASSERT_EQ(built.derived().size(), parsed.derived().size());
  for (size_t i = 0; i < parsed.derived().size(); ++i) {
    const Derived &b = built.derived()[i], &p = parsed.derived()[i];
    EXPECT_EQ(b.reg->key, p.reg->key);
    EXPECT_EQ(b.formula.text(), p.formula.text());
    ASSERT_EQ(b.inputs.size(), p.inputs.size()) << p.reg->key;
    for (size_t j = 0; j < p.inputs.size(); ++j) EXPECT_EQ(b.inputs[j]->key, p.inputs[j]->key);
  }
  // the lookups index the same entries
  for (const Register& r : parsed.entries()) {
    ASSERT_NE(built.by_mqtt(r.mqtt), nullptr) << r.mqtt;
    EXPECT_EQ(built.by_mqtt(r.mqtt)->key, r.key);
    if (r.address) {
      EXPECT_EQ(built.by_address(*r.address)->key, r.key);
    }
  }
}

TEST(Catalog, FromEntriesChecksWhatParseChecks) {
  Register a;
  a.key = "10";
  a.address = 10;
  a.length = 2;
  a.type = RegType::u32;
  a.name = "A";
  a.mqtt = "a";
  a.group = Group::now_base;
  a.pos = SourcePos{"e.yaml", 1, 1};
  Register b = a;
  b.key = "11";
  b.address = 11;
  b.mqtt = "b";
  b.pos = SourcePos{"e.yaml", 6, 1};
  try {
    Catalog::from_entries({a, b}, "e.yaml");
    FAIL() << "overlapping registers were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    EXPECT_NE(std::string(e.what()).find("e.yaml:6:1: register '11': addresses 11..12 overlap"),
              std::string::npos)
        << e.what();
  }
  b.address = 12;
  EXPECT_EQ(Catalog::from_entries({a, b}, "e.yaml").entries().size(), 2u);
}

TEST(Catalog, LoadCatalogPrefersTheNamedFileThenTheBuiltIn) {
  EXPECT_THROW(load_catalog(std::string("/nonexistent/registers.yaml")), Error);
  if (std::getenv("MTEC_REGISTERS")) GTEST_SKIP() << "MTEC_REGISTERS is set";
  const Catalog c = load_catalog(std::nullopt);
  EXPECT_EQ(c.file(), kBuiltinCatalogName);
  EXPECT_EQ(c.entries().size(), test::project_catalog().entries().size());
}

TEST(CatalogErrors, AFaultMaskOfFourWordsIsCheckedWithoutOverflow) {
  // found by fuzz_catalog: the check shifted 1 by 64 bits
  const std::string text =
      "\"33000\":\n  name: Faults\n  length: 4\n  type: BIT\n  mqtt: faults\n"
      "  group: now-battery\n  hass_value_items:\n    1: \"a\"\n    -2: \"b\"\n";
  try {
    Catalog::parse(text, "bits.yaml");
    FAIL() << "the negative mask was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("value item mask -2 does not fit 4 BIT words"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mtec
