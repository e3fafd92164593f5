// Formulas: errors name file:line:column and the entry; arithmetic and
// rounding as Python does them (the legacy computed them in Python).
#include <gtest/gtest.h>

#include <ctime>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/float_format.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/decode.hpp"

namespace mtec {
namespace {

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
