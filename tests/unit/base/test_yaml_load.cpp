// Every yaml-cpp problem is Error(config) with file:line:column, in the
// catalog and in the config alike (the non-scalar keys that aborted the tools).
#include <gtest/gtest.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/yaml_load.hpp"
#include "mtec/config/config.hpp"
#include "mtec/inverter/catalog.hpp"
#include "no_env.hpp"

namespace mtec {
namespace {

using test::no_env;

template <class F>
std::string config_error(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(YamlLoad, ANonScalarKeyInTheConfigIsAConfigError) {
  const auto m =
      config_error([] { Config::parse("MODBUS_IP: x\n? [a, b]\n: 1\n", "c.yaml", no_env()); });
  EXPECT_EQ(m.rfind("c.yaml:2:3: a key must be a single value", 0), 0u) << m;
}

TEST(YamlLoad, ANonScalarKeyInTheCatalogIsAConfigError) {
  auto m = config_error([] { Catalog::parse("? [a, b]\n: 1\n", "r.yaml"); });
  EXPECT_EQ(m.rfind("r.yaml:1:3: a key must be a single value", 0), 0u) << m;
  m = config_error(
      [] { Catalog::parse("\"10000\":\n  ? {x: 1}\n  : 2\n  name: n\n  mqtt: n\n", "r.yaml"); });
  EXPECT_NE(m.find("r.yaml:2:5"), std::string::npos) << m;
}

TEST(YamlLoad, SyntaxErrorsAndDeepNestingNameThePlace) {
  auto m = config_error([] { load_yaml("a: [1, 2\n", "x.yaml"); });
  EXPECT_EQ(m.rfind("x.yaml:", 0), 0u) << m;
  EXPECT_NE(m.find("invalid YAML"), std::string::npos);
  m = config_error([] { load_yaml(std::string(5000, '['), "deep.yaml"); });
  EXPECT_EQ(m.rfind("deep.yaml:", 0), 0u) << m;
}

TEST(YamlLoad, ConversionErrorsBecomeConfigErrors) {
  const auto m = config_error(
      [] { with_yaml_errors("v.yaml", [] { return YAML::Load("[1, 2]").as<std::string>(); }); });
  EXPECT_EQ(m.rfind("v.yaml:1:1: ", 0), 0u) << m;
}

}  // namespace
}  // namespace mtec
