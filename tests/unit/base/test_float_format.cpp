// MQTT_FLOAT_FORMAT: Python's float format spec, parsed and applied.
#include <gtest/gtest.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/float_format.hpp"

namespace mtec {
namespace {

TEST(Format, RoundsHalfEvenOnTheBinaryValue) {
  const auto f = FloatFormat::parse("{:.1f}");
  EXPECT_EQ(format_float(0.25, f), "0.2");  // exact tie -> even
  EXPECT_EQ(format_float(0.35, f), "0.3");  // 0.34999.. in binary
  EXPECT_EQ(format_float(-0.05, FloatFormat::parse(".1f")), "-0.1");
}

TEST(Format, PythonReprForms) {
  const auto f = FloatFormat::parse("{}");
  EXPECT_EQ(format_float(1e16, f), "1e+16");
  EXPECT_EQ(format_float(1.5e-5, f), "1.5e-05");
  EXPECT_EQ(format_float(123.0, f), "123.0");
  EXPECT_EQ(format_float(0.0001, f), "0.0001");
  EXPECT_EQ(format_float(5.551115123125783e-17, f), "5.551115123125783e-17");
}

TEST(Format, OtherSpecs) {
  EXPECT_EQ(format_float(1234567.891, FloatFormat::parse("{:,.2f}")), "1,234,567.89");
  EXPECT_EQ(format_float(0.5, FloatFormat::parse("{:.1%}")), "50.0%");
  EXPECT_EQ(format_float(-1.5, FloatFormat::parse("{:+08.2f}")), "-0001.50");
  EXPECT_EQ(format_float(1.5, FloatFormat::parse("{:+.2f}")), "+1.50");
  EXPECT_EQ(format_float(-0.001, FloatFormat::parse("{:z.1f}")), "0.0");
  EXPECT_EQ(format_float(2.5, FloatFormat::parse("{:*^7.1f}")), "**2.5**");
  EXPECT_EQ(format_float(12.0, FloatFormat::parse("{:.3}")), "12.0");
  EXPECT_EQ(format_float(1e-7, FloatFormat::parse("{:e}")), "1.000000e-07");
}

TEST(Format, UnsupportedSpecsAreConfigErrors) {
  for (const char* spec : {"{:d}", "{:.3x}", "{:.}", "{:n}", "{:.3f}x", "{:s}"}) {
    try {
      FloatFormat::parse(spec);
      ADD_FAILURE() << spec << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.cls(), ErrorClass::config) << spec;
      EXPECT_NE(std::string(e.what()).find(spec), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace mtec
