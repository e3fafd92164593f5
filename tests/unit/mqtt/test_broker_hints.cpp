// The hint after a broker that cannot be reached: what to check, by cause.
#include <gtest/gtest.h>

#include "mtec/mqtt/broker_hints.hpp"

namespace mtec {
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

}  // namespace
}  // namespace mtec
