// The hint after a broker that cannot be reached: what to check, by cause.
#include <gtest/gtest.h>

#include "mtec/mqtt/broker_hints.hpp"

namespace mtec::mqtt {
namespace {

TEST(BrokerHints, ARefusedConnectAsksWhetherMosquittoRuns) {
  EXPECT_EQ(broker_unreachable_hint("localhost", 1883, false, "Connection refused"),
            "nothing listens on localhost:1883: is mosquitto running (systemctl status "
            "mosquitto)? MQTT_SERVER and MQTT_PORT (or -b/-P) name the broker");
}

TEST(BrokerHints, TheTlsPortAndThePlainPortAreNamed) {
  const auto plain_to_tls = broker_unreachable_hint("h", 8883, false, "Connection refused");
  EXPECT_NE(plain_to_tls.find("port 8883 is usually MQTT over TLS: --cafile"), std::string::npos)
      << plain_to_tls;
  const auto tls_to_plain = broker_unreachable_hint("h", 1883, true, "Connection timed out");
  EXPECT_EQ(tls_to_plain.rfind("no answer from h:1883", 0), 0u) << tls_to_plain;
  EXPECT_NE(tls_to_plain.find("TLS brokers usually listen on 8883"), std::string::npos);
}

TEST(BrokerHints, ANameThatDoesNotResolveIsTheServerSetting) {
  EXPECT_EQ(broker_unreachable_hint("brokr", 1883, false, "Name or service not known"),
            "cannot resolve 'brokr': check MQTT_SERVER (a host name or an address)");
}

TEST(BrokerHints, BeforeTheConnackATlsReplyOrATlsPortAsksForTls) {
  EXPECT_EQ(before_connack_hint("h", 1883, false, true, "connection closed"),
            "is this a TLS port? h:1883 answers like one: --cafile FILE (or --capath DIR) turns "
            "TLS on");
  EXPECT_NE(before_connack_hint("h", 8883, false, false, "no CONNACK within 10 s")
                .find("is this a TLS port?"),
            std::string::npos);
  EXPECT_EQ(before_connack_hint("h", 1884, false, false, "connection closed"),
            "is h:1884 an MQTT broker (MQTT_SERVER, MQTT_PORT)? A TLS port needs --cafile");
}

TEST(BrokerHints, BeforeTheConnackWithTlsOnlyATlsErrorNamesTheCa) {
  EXPECT_NE(before_connack_hint("h", 8883, true, false, "A TLS error occurred.").find("--cafile"),
            std::string::npos);
  EXPECT_EQ(before_connack_hint("h", 8883, true, false, "connection closed"), "");
}

}  // namespace
}  // namespace mtec::mqtt
