// The shared options: an option and its config key in one declaration; the
// command line wins; the Modbus endpoint from the settings.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/errors.hpp"

namespace mtec::app {
namespace {

// No file, no environment: the defaults (the search path leads nowhere).
Config empty_config() {
  return Config::load(std::nullopt, [](const std::string& k) -> std::optional<std::string> {
    if (k == "HOME" || k == "XDG_CONFIG_HOME") return "/nonexistent";
    return std::nullopt;
  });
}

TEST(ToolOptions, ConfigFlagsSetTheirKeysWhenGiven) {
  CLI::App app;
  ConfigFlags flags;
  flags.option(app, "-p,--port", "MODBUS_PORT", "Modbus TCP port", "PORT", CLI::Range(0, 65535));
  flags.option(app, "--timeout", "MODBUS_TIMEOUT", "Request timeout", "SECONDS");
  flags.flag(app, "--hass", "HASS_ENABLE", "true", "Discovery on");
  EXPECT_NE(app.help().find("Modbus TCP port (MODBUS_PORT)"), std::string::npos) << app.help();
  app.parse("-p 1502 --hass", false);
  EXPECT_EQ(flags.given("MODBUS_PORT"), "1502");
  EXPECT_EQ(flags.given("HASS_ENABLE"), "true");
  EXPECT_FALSE(flags.given("MODBUS_TIMEOUT"));
  Config c = empty_config();
  flags.apply(c);
  const Settings s = c.settings();
  EXPECT_EQ(s.modbus_port, 1502);
  EXPECT_TRUE(s.hass_enable);
  EXPECT_EQ(s.modbus_timeout, Seconds(5));  // not given: the default
  EXPECT_EQ(c.origin("MODBUS_PORT"), "command line");
}

TEST(ToolOptions, ABadValueIsACommandLineError) {
  CLI::App app;
  ConfigFlags flags;
  flags.option(app, "-p,--port", "MODBUS_PORT", "Modbus TCP port", "PORT", CLI::Range(0, 65535));
  EXPECT_THROW(app.parse("-p 70000", false), CLI::ValidationError);
}

// TLS options that cannot take effect are a command-line error, never a
// silently plaintext connection.
TEST(ToolOptions, TlsOptionsThatCannotTakeEffectAreRefused) {
  auto refused = [](std::function<void(MqttOptions&)> set) {
    MqttOptions o;
    set(o);
    try {
      o.check_tls();
    } catch (const Error& e) {
      EXPECT_EQ(e.cls(), ErrorClass::usage);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused([](MqttOptions&) {}), "accepted");
  EXPECT_EQ(refused([](MqttOptions& o) { o.cafile = "ca.crt"; }), "accepted");
  EXPECT_EQ(refused([](MqttOptions& o) {
              o.capath = "/etc/ssl/certs";
              o.insecure = true;
            }),
            "accepted");
  EXPECT_EQ(refused([](MqttOptions& o) {
              o.cafile = "ca.crt";
              o.certfile = "c.crt";
              o.keyfile = "c.key";
            }),
            "accepted");
  EXPECT_NE(refused([](MqttOptions& o) { o.insecure = true; }).find("--insecure needs --cafile"),
            std::string::npos);
  EXPECT_NE(refused([](MqttOptions& o) {
              o.cafile = "ca.crt";
              o.certfile = "c.crt";
            }).find("--cert needs --key"),
            std::string::npos);
  EXPECT_NE(refused([](MqttOptions& o) {
              o.cafile = "ca.crt";
              o.keyfile = "c.key";
            }).find("--key needs --cert"),
            std::string::npos);
  EXPECT_NE(refused([](MqttOptions& o) {
              o.certfile = "c.crt";
              o.keyfile = "c.key";
            }).find("need --cafile or --capath"),
            std::string::npos);
}

TEST(ToolOptions, TheEndpointOfTheSettings) {
  Settings s;
  EXPECT_THROW(endpoint_of(s), Error);  // no MODBUS_IP
  s.modbus_ip = "0.0.0.0";              // the legacy template's placeholder
  EXPECT_THROW(endpoint_of(s), Error);
  s.modbus_ip = "127.0.0.1";
  s.modbus_port = 5743;
  s.modbus_slave = 252;
  s.modbus_timeout = Seconds(1.5);
  s.modbus_framer = "rtu";
  const auto ep = endpoint_of(s);
  EXPECT_EQ(ep.host, "127.0.0.1");
  EXPECT_EQ(ep.port, 5743);
  EXPECT_EQ(ep.unit, 252);
  EXPECT_EQ(ep.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(ep.framer, modbus::Framer::rtu);
}

TEST(ToolOptions, TheProbeTriesTheConfiguredPortFirstOrTheOneGiven) {
  auto t = probe_target("", "192.0.2.7", 1502, std::nullopt);
  EXPECT_EQ(t.host, "192.0.2.7");
  EXPECT_EQ(t.ports, (std::vector<int>{1502, 502, 5743}));
  // no port twice
  EXPECT_EQ(probe_target("h", "", 502, std::nullopt).ports, (std::vector<int>{502, 5743}));
  EXPECT_EQ(probe_target("h", "", 502, 1503).ports, (std::vector<int>{1503}));
  t = probe_target("127.0.0.1:1502", "", 502, 1503);  // HOST:PORT wins
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.ports, (std::vector<int>{1502}));
  t = probe_target("[::1]:1502", "", 502, std::nullopt);
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.ports, (std::vector<int>{1502}));
  t = probe_target("[::1]", "", 1502, std::nullopt);
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.ports, (std::vector<int>{1502, 502, 5743}));
  EXPECT_EQ(probe_target("::1", "", 502, std::nullopt).host, "::1");  // a bare IPv6 address
}

TEST(ToolOptions, AProbeWithoutHostOrWithABadPortIsACommandLineError) {
  for (const char* arg :
       {"", "0.0.0.0", "h:0", "h:65536", "h:x", "h:", "[::1]:99999", "[::1", "[::1]x", "[]"}) {
    try {
      probe_target(arg, "", 502, std::nullopt);
      ADD_FAILURE() << arg;
    } catch (const Error& e) {
      EXPECT_EQ(e.cls(), ErrorClass::usage) << arg;
    }
  }
}

}  // namespace
}  // namespace mtec::app
