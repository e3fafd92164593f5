// The facts an MQTT session derives from the config and the command line,
// each written once: the broker and its login, when availability goes
// offline, the availability and will topics, the device of discovery.
#include <gtest/gtest.h>

#include "mtec/base/errors.hpp"
#include "mtec/mqtt/session_options.hpp"

namespace mtec::mqtt {
namespace {

TEST(SessionOptions, TheBrokerIsTheConfigsServerPortClientIdAndTheTlsFiles) {
  Options o;
  o.settings.mqtt_server = "broker.lan";
  o.settings.mqtt_port = 8883;
  o.settings.mqtt_client_id = "garage";
  o.tls.cafile = "ca.pem";
  o.tls.insecure = true;
  const Broker b = broker_of(o);
  EXPECT_EQ(b.host, "broker.lan");
  EXPECT_EQ(b.port, 8883);
  EXPECT_EQ(b.client_id, "garage");
  EXPECT_EQ(b.tls.cafile, "ca.pem");
  EXPECT_TRUE(b.tls.insecure);
  EXPECT_TRUE(b.tls.on());
  // the defaults are the config's
  const Broker d = broker_of(Options{});
  EXPECT_EQ(d.host, Settings{}.mqtt_server);
  EXPECT_EQ(d.port, Settings{}.mqtt_port);
  EXPECT_EQ(d.client_id, Settings{}.mqtt_client_id);
  EXPECT_FALSE(d.tls.on());
}

TEST(SessionOptions, ABlankLoginMeansNoLogin) {
  auto login_of = [](const std::string& login) {
    Options o;
    o.settings.mqtt_login = login;
    o.settings.mqtt_password = "secret";
    const Broker b = broker_of(o);
    return b.username + ":" + b.password;
  };
  EXPECT_EQ(login_of("mtec"), "mtec:secret");
  EXPECT_EQ(login_of(" "), ":");  // the legacy template's login
  EXPECT_EQ(login_of("   "), ":");
  EXPECT_EQ(login_of(""), ":");
}

TEST(SessionOptions, AvailabilityGoesOfflineAfterRefreshNowTimesThePeriods) {
  Settings s;
  EXPECT_EQ(stale_after(s), std::chrono::milliseconds(30000));  // 10 s x 3
  s.refresh_now = Seconds(2.5);
  s.hass_availability_periods = 4;
  EXPECT_EQ(stale_after(s), std::chrono::milliseconds(10000));
}

TEST(SessionOptions, TheAvailabilityTopicIsTheWillAndNeedsAClientIdThatIsATopicLevel) {
  Options o;
  EXPECT_EQ(will_topic(o), "homeassistant/status/lwt");
  o.settings.hass_availability = true;
  EXPECT_EQ(availability_topic(o), "MTEC/M-TEC-MQTT/availability");
  EXPECT_EQ(will_topic(o), "MTEC/M-TEC-MQTT/availability");
  o.settings.mqtt_client_id = "a/b";
  try {
    will_topic(o);
    ADD_FAILURE() << "a client id with a '/' was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::config);
    EXPECT_STREQ(e.what(),
                 "MQTT_CLIENT_ID 'a/b' is a level of the availability topic: no '/', '+' or '#' "
                 "in it");
  }
  o.settings.hass_availability = false;  // without availability the client id is no level
  EXPECT_EQ(will_topic(o), "homeassistant/status/lwt");
}

TEST(SessionOptions, DiscoveryDescribesTheDeviceWithTheConfigsTopicsAndTheFlags) {
  Options o;
  const DiscoveryOptions d = discovery_options(o, "S1");
  EXPECT_EQ(d.hass_base_topic, "homeassistant");
  EXPECT_EQ(d.mqtt_topic, "MTEC");
  EXPECT_EQ(d.serial, "S1");
  EXPECT_EQ(d.device_name, "MTEC EnergyButler");
  EXPECT_FALSE(d.serial_unique_ids);
  EXPECT_EQ(d.availability_topic, "");
  o.settings.hass_base_topic = "ha";
  o.settings.mqtt_topic = "pv/mtec";
  o.settings.hass_availability = true;
  o.serial_unique_ids = true;
  o.device_name = "Garage";
  const DiscoveryOptions e = discovery_options(o, "S2");
  EXPECT_EQ(e.hass_base_topic, "ha");
  EXPECT_EQ(e.mqtt_topic, "pv/mtec");
  EXPECT_TRUE(e.serial_unique_ids);
  EXPECT_EQ(e.device_name, "Garage");
  EXPECT_EQ(e.availability_topic, "pv/mtec/M-TEC-MQTT/availability");
}

}  // namespace
}  // namespace mtec::mqtt
