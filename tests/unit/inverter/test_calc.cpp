// Calculated values: every derived payload of the cases and every pseudo row
// of the probes is reproduced (kind and formatted payload); formula errors
// name file:line:column and the entry.
#include <gtest/gtest.h>

#include <ctime>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/decode.hpp"
#include "mtec/inverter/format.hpp"

namespace mtec {
namespace {

std::string kind_of(const Json& j) {
  if (j.is_number_integer()) return "int";
  if (j.is_number_float()) return "float";
  return "str";
}

// A frame of `group` with the registers decoded from `words_of(address)`.
Json frame_of(const std::string& group,
              const std::function<std::vector<uint16_t>(const Register&)>& words) {
  Json f;
  f["ts"] = "2026-01-20T11:00:00.000Z";
  f["group"] = group;
  f["values"] = Json::object();
  for (const Register* r : test::project_catalog().group(group)) {
    if (!r->address) continue;
    const auto w = words(*r);
    if (w.empty()) continue;
    f["values"][r->mqtt] = to_json(*decode(*r, w));
  }
  return f;
}

// UTC ISO timestamp of a local wall-clock "YYYY-MM-DD hh:mm:ss".
std::string utc_of_local(const std::string& local) {
  std::tm tm{};
  strptime(local.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  tm.tm_isdst = -1;
  return iso_timestamp(std::chrono::system_clock::from_time_t(std::mktime(&tm)));
}

TEST(CalcGolden, EveryDerivedPayloadOfEveryCaseRead) {
  const Calculator calc(test::project_catalog());
  int checked = 0;
  for (const auto& name : test::golden_cases()) {
    const auto& c = test::golden(name);
    const auto ff = FloatFormat::parse(c["config"].value("MQTT_FLOAT_FORMAT", ".3f"));
    for (const auto& read : c["reads"]) {
      if (read["phase"] != "loop") continue;
      Json f = frame_of(read["group"], [&](const Register& r) {
        return test::words_of(c["snapshot"][std::to_string(*r.address)]);
      });
      f["ts"] = utc_of_local(read["clock"]);
      calc.apply(f);
      EXPECT_FALSE(f.contains("errors")) << f.dump();
      for (const auto& m : read["messages"]) {
        const std::string topic = m["topic"];
        const std::string key = topic.substr(0, topic.rfind('/'))
                                    .substr(topic.substr(0, topic.rfind('/')).rfind('/') + 1);
        const Register* r = test::project_catalog().by_mqtt(key);
        ASSERT_TRUE(r) << topic;
        if (!r->is_calculated()) continue;
        ASSERT_TRUE(f["values"].contains(key)) << name << " " << topic;
        const auto v = value_from_json(f["values"][key]);
        EXPECT_EQ(format_payload(*v, ff), m["payload"].get<std::string>()) << name << " " << topic;
        EXPECT_EQ(kind_of(f["values"][key]), m["value_kind"].get<std::string>())
            << name << " " << topic;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(CalcProbes, EveryPseudoRow) {
  const Calculator calc(test::project_catalog());
  const auto ff = FloatFormat::legacy_default();
  for (const auto& row : test::golden("probes.json")["pseudo"]) {
    Json f = frame_of(row["group"], [&](const Register& r) {
      const std::string a = std::to_string(*r.address);
      return row["overrides"].contains(a) ? test::words_of(row["overrides"][a])
                                          : std::vector<uint16_t>{};
    });
    calc.apply(f);
    for (const auto& [key, out] : row["outputs"].items()) {
      ASSERT_TRUE(f["values"].contains(key)) << row.dump() << "\n" << f.dump();
      const auto v = value_from_json(f["values"][key]);
      EXPECT_EQ(format_payload(*v, ff), out["payload"].get<std::string>())
          << key << " " << row.dump();
      EXPECT_EQ(kind_of(f["values"][key]), out["python_type"].get<std::string>())
          << key << " " << row.dump();
      if (out["python_type"] == "float") {  // the exact double, not only its rounding
        EXPECT_EQ(format_float(std::get<double>(*v), FloatFormat::parse("{}")),
                  out["python_repr"].get<std::string>());
      }
    }
  }
}

TEST(Calc, MissingInputLeavesTheValueOutWithAnError) {
  const Calculator calc(test::project_catalog());
  Json f = Json::parse(
      R"({"ts":"2026-01-20T11:00:00Z","group":"now-base","values":{"inverter":2500},"extra":1})");
  calc.apply(f);
  EXPECT_FALSE(f["values"].contains("consumption"));
  EXPECT_TRUE(f["values"].contains("api_date"));  // no register inputs
  ASSERT_EQ(f["errors"].size(), 1u);
  EXPECT_EQ(f["errors"][0]["class"], "missing-input");
  EXPECT_EQ(f["errors"][0]["message"], "consumption: missing input grid_power");
  EXPECT_EQ(f["extra"], 1);
}

std::string overlay_error(const std::string& yaml) {
  Catalog c = test::project_catalog();
  try {
    c.add_overlay_text(yaml, "o.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    return e.what();
  }
  ADD_FAILURE() << "accepted " << yaml;
  return {};
}

TEST(Formula, ErrorsNameFileLineColumnAndEntry) {
  EXPECT_EQ(overlay_error("kw:\n  name: kW\n  formula: \"battery / 1000 +\"\n  mqtt: battery_kw\n  "
                          "group: now-base\n"),
            "o.yaml:3:29: register 'kw': formula: unexpected end of formula");
  EXPECT_EQ(
      overlay_error(
          "kw:\n  name: kW\n  formula: battery / wats\n  mqtt: battery_kw\n  group: now-base\n"),
      "o.yaml:3:22: register 'kw': formula: unknown name 'wats'");
  EXPECT_EQ(overlay_error("a:\n  name: A\n  formula: b + 1\n  mqtt: a\n  group: day\n"
                          "b:\n  name: B\n  formula: a * 2\n  mqtt: b\n  group: day\n"),
            "o.yaml:3:12: register 'a': formula: cycle a -> b -> a");
  EXPECT_EQ(overlay_error("x:\n  name: X\n  formula: pv_day + battery\n  mqtt: x\n  group: day\n"),
            "o.yaml:3:21: register 'x': formula: 'battery' is in group 'now-base', not 'day': a "
            "formula reads one group's frame");
  EXPECT_NE(overlay_error("x:\n  name: X\n  formula: sqrt(pv_day)\n  mqtt: x\n  group: day\n")
                .find("unknown function 'sqrt'"),
            std::string::npos);
  EXPECT_NE(overlay_error("x:\n  name: X\n  formula: \"" + std::string(70, '(') + "1" +
                          std::string(70, ')') + "\"\n  mqtt: x\n  group: day\n")
                .find("nested deeper than 64"),
            std::string::npos);
}

Value eval(const std::string& text) {
  return Formula::parse(text).eval([](const std::string&) -> const Value* { return nullptr; },
                                   std::nullopt);
}

TEST(Formula, PythonSemantics) {
  EXPECT_EQ(std::get<int64_t>(eval("7 - 10")), -3);
  EXPECT_EQ(std::get<double>(eval("7 / 2")), 3.5);
  EXPECT_EQ(std::get<double>(eval("4 / 2")), 2.0);  // true division stays float
  EXPECT_EQ(std::get<int64_t>(eval("-2 * 3")), -6);
  EXPECT_EQ(std::get<int64_t>(eval("nonneg(-5)")), -5);  // ints are not clamped
  EXPECT_EQ(std::get<int64_t>(eval("nonneg(-0.5)")), 0);
  EXPECT_EQ(std::get<double>(eval("nonneg(0.5)")), 0.5);
  EXPECT_EQ(std::get<int64_t>(eval("if(1 > 2, 1.5, 0)")), 0);
  EXPECT_EQ(std::get<int64_t>(eval("round(2.5)")), 2);  // half to even
  EXPECT_EQ(std::get<int64_t>(eval("round(3.5)")), 4);
  EXPECT_EQ(std::get<double>(eval("round(2.675, 2)")), 2.67);  // the binary value is below the tie
  EXPECT_EQ(std::get<int64_t>(eval("max(1, 2)")), 2);
  EXPECT_EQ(std::get<double>(eval("min(1.0, 1)")), 1.0);  // first of equals
  EXPECT_EQ(std::get<int64_t>(eval("abs(-3)")), 3);
  EXPECT_THROW(eval("1 / 0"), FormulaError);
  EXPECT_THROW(eval("9223372036854775807 + 1"), FormulaError);
}

TEST(Formula, RoundToAnyNumberOfDigitsAsPythonDoes) {
  // found by fuzz_formula: fmt refused the precision (an uncaught exception)
  EXPECT_EQ(std::get<double>(eval("round(1.25, 100000)")), 1.25);
  EXPECT_EQ(std::get<double>(eval("round(1.25, 400)")), 1.25);
  EXPECT_EQ(std::get<double>(eval("round(123.5, -1000)")), 0.0);
  EXPECT_EQ(std::get<double>(eval("round(-123.5, -2)")), -100.0);
  EXPECT_EQ(std::get<int64_t>(eval("round(5, 99999999999)")), 5);
}

}  // namespace
}  // namespace mtec
