// Config precedence (flag > MTEC_<KEY> > file > default), validation and the
// file search order, with an injected environment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "mtec/base/errors.hpp"
#include "mtec/config/config.hpp"

namespace mtec {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const char* kLegacyTemplate = R"(MODBUS_IP: 192.0.2.10
MODBUS_PORT: 5743
MODBUS_SLAVE: 252
MODBUS_TIMEOUT: 5
MODBUS_RETRIES: 3
MODBUS_FRAMER: socket
MQTT_SERVER: broker.local
MQTT_PORT: 1883
MQTT_LOGIN: " "
MQTT_PASSWORD: ""
MQTT_TOPIC: pv/mtec
MQTT_FLOAT_FORMAT: "{:.1f}"
HASS_ENABLE: true
HASS_BASE_TOPIC: homeassistant
DEBUG: false
)";

TEST(Config, LegacyFileIsReadUnchanged) {
  const auto s = Config::parse(kLegacyTemplate, "config.yaml", fake_env({})).settings();
  EXPECT_EQ(s.modbus_ip, "192.0.2.10");
  EXPECT_EQ(s.modbus_port, 5743);
  EXPECT_EQ(s.modbus_slave, 252);
  EXPECT_EQ(s.modbus_framer, "tcp");
  EXPECT_EQ(s.mqtt_login, " ");
  EXPECT_EQ(s.mqtt_topic, "pv/mtec");
  EXPECT_EQ(format_float(230.1, s.float_format), "230.1");
  EXPECT_TRUE(s.hass_enable);
  EXPECT_EQ(s.refresh_now, Seconds(10));
  EXPECT_EQ(s.refresh_static, Seconds(3600));
}

TEST(Config, FlagBeatsEnvironmentBeatsFile) {
  auto c = Config::parse(kLegacyTemplate, "config.yaml",
                         fake_env({{"MTEC_MODBUS_PORT", "1502"}, {"MTEC_MQTT_TOPIC", "env"}}));
  EXPECT_EQ(c.settings().modbus_port, 1502);
  EXPECT_EQ(c.settings().mqtt_topic, "env");
  c.set_flag("MODBUS_PORT", "2502");
  EXPECT_EQ(c.settings().modbus_port, 2502);
  EXPECT_EQ(c.settings().modbus_slave, 252);
}

void expect_config_error(const std::string& yaml, const std::string& fragment,
                         std::map<std::string, std::string> env = {}) {
  try {
    Config::parse(yaml, "c.yaml", fake_env(std::move(env))).settings();
    ADD_FAILURE() << "accepted: " << yaml;
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Config, ValidationNamesKeySourceAndRule) {
  expect_config_error("MODBUS_PORT: 0\n",
                      "c.yaml:1: MODBUS_PORT = '0': must be an integer 1..65535");
  expect_config_error("MODBUS_PORT: 70000\n", "must be an integer 1..65535");
  expect_config_error("MODBUS_SLAVE: 256\n", "MODBUS_SLAVE = '256': must be an integer 0..255");
  expect_config_error("MODBUS_TIMEOUT: 0\n", "MODBUS_TIMEOUT = '0': must be a number > 0");
  expect_config_error("MQTT_FLOAT_FORMAT: '{:d}'\n", "c.yaml:1: MQTT_FLOAT_FORMAT '{:d}'");
  expect_config_error("HASS_ENABLE: maybe\n", "must be true or false");
  expect_config_error("MODBUS_FRAMER: binary\n",
                      "must be tcp or rtu (the legacy socket means tcp)");
  expect_config_error("LOG_FORMAT: xml\n", "LOG_FORMAT = 'xml': must be text or json");
  // a value from the file is shown escaped and cut, not as it is
  expect_config_error("MODBUS_PORT: \"1\\e[2J\\n<0>x\"\n",
                      "MODBUS_PORT = '1\\x1b[2J\\n<0>x': must be an integer");
  expect_config_error("", "environment MTEC_MODBUS_PORT: MODBUS_PORT = 'x'",
                      {{"MTEC_MODBUS_PORT", "x"}});
  expect_config_error("MODBUS_PORT: [1, 2]\n", "c.yaml:1: MODBUS_PORT must be a single value");
  expect_config_error("a: [\n", "invalid YAML");
}

TEST(Config, AFileWithoutFramerGetsTheNoticeThatTheLegacyDefaultWasRtu) {
  const auto notice =
      Config::parse("MODBUS_IP: 192.0.2.7\n", "old.yaml", fake_env({})).framer_notice();
  ASSERT_TRUE(notice);
  EXPECT_EQ(
      *notice,
      "old.yaml sets no MODBUS_FRAMER: Modbus TCP framing (tcp) is used; aiomtec2mqtt's "
      "default was rtu. If the inverter does not answer, mtec-read --probe finds the framing");
  EXPECT_FALSE(Config::parse(kLegacyTemplate, "config.yaml", fake_env({})).framer_notice());
  EXPECT_FALSE(
      Config::parse("MODBUS_IP: 192.0.2.7\n", "old.yaml", fake_env({{"MTEC_MODBUS_FRAMER", "rtu"}}))
          .framer_notice());
  EXPECT_EQ(
      Config::parse("MODBUS_FRAMER: socket\n", "c.yaml", fake_env({})).settings().modbus_framer,
      "tcp");
}

TEST(Config, UnknownKeysWarn) {
  const auto c = Config::parse("MODBUS_IP: x\nFOO: 1\n", "c.yaml", fake_env({}));
  ASSERT_EQ(c.source().warnings.size(), 1u);
  EXPECT_EQ(c.source().warnings[0],
            "c.yaml:2: unknown key FOO (ignored) (every key: mtec-read --show-config)");
  const auto typo = Config::parse("MODBUS_PROT: 1502\n", "c.yaml", fake_env({}));
  EXPECT_EQ(typo.source().warnings.at(0),
            "c.yaml:1: unknown key MODBUS_PROT (ignored); did you mean MODBUS_PORT? (every key: "
            "mtec-read --show-config)");
}

class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("mtec-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "xdg/aiomtec2mqtt");
    std::filesystem::create_directories(dir_ / "home/.config/aiomtec2mqtt");
    std::ofstream(dir_ / "xdg/aiomtec2mqtt/config.yaml") << "MODBUS_PORT: 1111\n";
    std::ofstream(dir_ / "home/.config/aiomtec2mqtt/config.yaml") << "MODBUS_PORT: 2222\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// A password in a file others may read: one warning naming the file and the
// fix; none for a 0600 file, a file without a password, a systemd credential.
TEST_F(ConfigFiles, APasswordInAFileOthersMayReadIsWarnedAbout) {
  const auto file = dir_ / "secret.yaml";
  std::ofstream(file) << "MQTT_LOGIN: mtec\nMQTT_PASSWORD: hunter2\n";
  std::filesystem::permissions(file, std::filesystem::perms(0644));
  const auto env = fake_env({});
  const auto w = Config::load(file.string(), env).exposed_secret_warning();
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w, "config file " + file.string() +
                    " holds MQTT_PASSWORD and is readable by everyone (mode 0644): chmod 600 " +
                    file.string() +
                    " (or give the password as MTEC_MQTT_PASSWORD or --password-file)");
  EXPECT_EQ(w->find("hunter2"), std::string::npos);
  std::filesystem::permissions(file, std::filesystem::perms(0640));
  EXPECT_NE(Config::load(file.string(), env).exposed_secret_warning()->find("by its group"),
            std::string::npos);
  EXPECT_FALSE(Config::load(file.string(), fake_env({{"CREDENTIALS_DIRECTORY", dir_.string()}}))
                   .exposed_secret_warning());
  std::filesystem::permissions(file, std::filesystem::perms(0600));
  EXPECT_FALSE(Config::load(file.string(), env).exposed_secret_warning());
  std::ofstream(dir_ / "open.yaml") << "MQTT_LOGIN: mtec\n";
  EXPECT_FALSE(Config::load((dir_ / "open.yaml").string(), env).exposed_secret_warning());
}

TEST_F(ConfigFiles, SearchOrderAndNamedFiles) {
  ASSERT_FALSE(std::filesystem::exists("config.yaml")) << "run the tests outside a config dir";
  auto env =
      fake_env({{"XDG_CONFIG_HOME", (dir_ / "xdg").string()}, {"HOME", (dir_ / "home").string()}});
  EXPECT_EQ(Config::load(std::nullopt, env).settings().modbus_port, 1111);
  env = fake_env({{"HOME", (dir_ / "home").string()}});
  EXPECT_EQ(Config::load(std::nullopt, env).settings().modbus_port, 2222);
  env = fake_env({{"MTEC_CONFIG", (dir_ / "xdg/aiomtec2mqtt/config.yaml").string()},
                  {"HOME", (dir_ / "home").string()}});
  EXPECT_EQ(Config::load(std::nullopt, env).settings().modbus_port, 1111);
  try {
    Config::load((dir_ / "missing.yaml").string(), env);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::no_input);
  }
}

TEST(Config, SearchOrderStartsWithTheSystemdCredential) {
  const auto path = config_search_path(
      fake_env({{"CREDENTIALS_DIRECTORY", "/run/credentials/x"}, {"HOME", "/home/u"}}));
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(path[0], "/run/credentials/x/config.yaml");
  EXPECT_EQ(path[1], "config.yaml");
  EXPECT_EQ(path[2], "/home/u/.config/aiomtec2mqtt/config.yaml");
  EXPECT_EQ(path[3], "/etc/mtec/config.yaml");
  EXPECT_EQ(config_search_path(fake_env({})).front(), "config.yaml");
}

TEST(Config, DescribeShowsEveryKeyItsOriginAndMasksSecrets) {
  Config c = Config::parse("MODBUS_IP: 192.0.2.10\nMQTT_PASSWORD: hunter2\n", "c.yaml",
                           fake_env({{"MTEC_MQTT_PORT", "8883"}}));
  c.set_flag("MODBUS_SLAVE", "1");
  const std::string d = c.describe();
  EXPECT_NE(d.find("# config file: c.yaml\n"), std::string::npos) << d;
  EXPECT_NE(d.find("MODBUS_IP: \"192.0.2.10\"  # c.yaml:1\n"), std::string::npos) << d;
  EXPECT_NE(d.find("MQTT_PASSWORD: \"********\"  # c.yaml:2\n"), std::string::npos) << d;
  EXPECT_EQ(d.find("hunter2"), std::string::npos) << d;
  EXPECT_NE(d.find("MQTT_PORT: \"8883\"  # environment MTEC_MQTT_PORT\n"), std::string::npos);
  EXPECT_NE(d.find("MODBUS_SLAVE: \"1\"  # command line\n"), std::string::npos);
  EXPECT_NE(d.find("REFRESH_NOW: \"10\"  # default\n"), std::string::npos);
  for (const auto& k : config_keys())
    EXPECT_NE(d.find(std::string("\n") + k.name + ": "), std::string::npos) << k.name;
  // the description is itself a config that gives the same settings
  const Config again = Config::parse(d, "again.yaml", fake_env({}));
  EXPECT_EQ(again.settings().modbus_ip, "192.0.2.10");
  EXPECT_EQ(again.settings().mqtt_port, 8883);
  EXPECT_EQ(again.settings().modbus_slave, 1);
}

TEST(Config, UnreadableFileSaysWhy) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  const auto dir = std::filesystem::temp_directory_path() / "mtec-config-unreadable";
  std::filesystem::create_directories(dir);
  const auto file = dir / "config.yaml";
  std::ofstream(file) << "MODBUS_IP: 192.0.2.1\n";
  std::filesystem::permissions(file, std::filesystem::perms::none);
  try {
    Config::load(file.string(), fake_env({}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::no_input);
    EXPECT_NE(std::string(e.what()).find("Permission denied"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(Config, RetriesAreReadAndBounded) {
  EXPECT_EQ(Config::parse("", "c", fake_env({})).settings().modbus_retries, 3);
  EXPECT_EQ(Config::parse("MODBUS_RETRIES: 0\n", "c", fake_env({})).settings().modbus_retries, 0);
  EXPECT_THROW(Config::parse("MODBUS_RETRIES: 99\n", "c", fake_env({})).settings(), Error);
}

TEST(Config, EveryKeyIsDocumentedInMtecConfig5) {
  std::ifstream in(std::string(MTEC_SOURCE_DIR) + "/man/mtec-config.5");
  std::stringstream page;
  page << in.rdbuf();
  ASSERT_FALSE(page.str().empty());
  for (const auto& k : config_keys())
    EXPECT_NE(page.str().find(std::string(".It Cm ") + k.name + "\n"), std::string::npos) << k.name;
}

}  // namespace
}  // namespace mtec
