// The broker connection: reconnects with backoff, the CONNACK's answers
// (a refused login is fatal, 3.1.1 at once after a v5 refusal), the CONNACK
// timeout, what the logs tell of an outage. A fake transport, fake time.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "mtec/mqtt/connection.hpp"
#include "mtec/mqtt/session_options.hpp"

namespace mtec::mqtt {
namespace connection_tests {

using namespace fake;

struct Listener final : ConnectionListener {
  int began = 0;
  std::vector<std::string> topics;
  void session_began() override { ++began; }
  void message(const std::string& topic, const std::string&, bool) override {
    topics.push_back(topic);
  }
  void unsubscribed(int) override {}
  size_t held() const override { return 3; }
};

struct ConnectionRig {
  FakeClock clock;
  FakeTransport t{clock};
  CapturedLog log;
  Listener listener;
  Connection c{t, broker_of(Options{}), log.log, clock.clock(), [] { return 0.5; }, listener};
  // Started with a first CONNACK of `first` (`reason`), run a little.
  void start_answered(Connack::Result first, const std::string& reason) {
    t.answers = {first};
    t.answer_reason = reason;
    c.start();
    run_for(c, t, clock, 100ms);
  }
};

std::vector<long> gaps_ms(const std::vector<TimePoint>& times) {
  std::vector<long> out;
  for (size_t i = 1; i < times.size(); ++i)
    out.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]).count());
  return out;
}

TEST(Connection, RefusedConnectsAreRetriedAtMostTwoSecondsApartForHalfAMinuteThenUpToFive) {
  ConnectionRig r;
  r.t.broker_up = false;
  r.c.start();
  run_for(r.c, r.t, r.clock, 50s);
  const auto gaps = gaps_ms(r.t.connects);
  ASSERT_GE(gaps.size(), 18u);
  EXPECT_EQ(gaps[0], 1000);  // 1 s, then 2 s, then 4 s capped at 2 s in the first half minute
  EXPECT_EQ(gaps[1], 2000);
  EXPECT_EQ(gaps[2], 2000);
  EXPECT_EQ(gaps.back(), 5000);  // the backoff's cap once the outage is older than 30 s
  for (const long g : gaps) EXPECT_LE(g, 5000);
  EXPECT_FALSE(r.c.connected());
  EXPECT_EQ(r.c.fatal(), 0);
  // the first failure once with its hint, then a summary every five minutes only
  const std::string text = r.log.text();
  EXPECT_NE(text.find("warning: broker localhost:1883 unreachable: Connection refused; retrying "
                      "with backoff"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("hint: nothing listens on localhost:1883"), std::string::npos);
  EXPECT_EQ(text.find("still unreachable after"), std::string::npos);
}

TEST(Connection, ABrokerThatComesBackIsConnectedAtTheNextAttemptAndTheOutageLengthIsTold) {
  ConnectionRig r;
  r.t.broker_up = false;
  r.c.start();
  run_for(r.c, r.t, r.clock, 5s);
  EXPECT_EQ(r.listener.began, 0);
  r.t.broker_up = true;
  run_for(r.c, r.t, r.clock, 3s);
  EXPECT_TRUE(r.c.connected());
  EXPECT_EQ(r.listener.began, 1);
  EXPECT_TRUE(r.c.down_since().empty());
  EXPECT_TRUE(r.log.has("notice: connected to the broker localhost:1883 again after 7 s"))
      << r.log.text();
}

TEST(Connection, ALostSessionIsRetriedAfterOneSecondWhateverTheOutagesBefore) {
  ConnectionRig r;
  r.c.start();
  run_for(r.c, r.t, r.clock, 1s);
  ASSERT_TRUE(r.c.connected());
  EXPECT_TRUE(
      r.log.has("notice: connected to the broker localhost:1883 (no TLS, client id "
                "M-TEC-MQTT)"));
  const auto dropped = r.clock.steady;
  r.t.drop();
  EXPECT_FALSE(r.c.connected());
  EXPECT_EQ(r.c.socket(), -1);
  EXPECT_TRUE(
      r.log.has("warning: lost the broker localhost:1883 (connection closed); holding "
                "the latest value per topic until it is back"));
  run_for(r.c, r.t, r.clock, 2s);
  ASSERT_EQ(r.t.connects.size(), 2u);
  EXPECT_EQ(r.t.connects[1] - dropped, 1s);
  EXPECT_TRUE(r.c.connected());
  EXPECT_EQ(r.listener.began, 2);
}

TEST(Connection, ARefusedLoginIsFatal77AndNotRetried) {
  ConnectionRig r;
  r.t.answer = Connack::Result::login_refused;
  r.t.answer_reason = "Bad user name or password";
  r.c.start();
  run_for(r.c, r.t, r.clock, 30s);
  EXPECT_EQ(r.c.fatal(), 77);
  EXPECT_EQ(r.t.connects.size(), 1u);
  EXPECT_FALSE(r.c.connected());
  EXPECT_TRUE(
      r.log.has("error: broker localhost:1883 refused the login: Bad user name or "
                "password"));
}

TEST(Connection, ABrokerWithoutMqttV5IsAskedAgainAtOnce) {
  ConnectionRig r;
  r.start_answered(Connack::Result::retry_now, "does not speak MQTT v5: using 3.1.1");
  ASSERT_EQ(r.t.connects.size(), 2u);
  EXPECT_EQ(r.t.connects[1], r.t.connects[0]);  // no backoff in between
  EXPECT_TRUE(r.c.connected());
  EXPECT_TRUE(r.log.has("info: broker localhost:1883 does not speak MQTT v5: using 3.1.1"));
}

TEST(Connection, NoConnackWithinTenSecondsDropsTheConnectionAndAsksWhatListensThere) {
  ConnectionRig r;
  r.t.answer_connect = false;
  r.c.start();
  run_for(r.c, r.t, r.clock, 9900ms);
  EXPECT_TRUE(r.c.socket_open());
  EXPECT_EQ(r.t.connects.size(), 1u);
  run_for(r.c, r.t, r.clock, 200ms);
  EXPECT_FALSE(r.c.socket_open());
  EXPECT_TRUE(
      r.log.has("warning: broker localhost:1883: the connection failed before the broker "
                "accepted it: no CONNACK within 10 s; retrying with backoff"))
      << r.log.text();
  EXPECT_TRUE(r.log.has("hint: is localhost:1883 an MQTT broker (MQTT_SERVER, MQTT_PORT)?"));
  run_for(r.c, r.t, r.clock, 2s);
  EXPECT_EQ(r.t.connects.size(), 2u);
}

TEST(Connection, ARefusedConnectionIsRetriedAfterTheBrokerCloses) {
  ConnectionRig r;
  r.start_answered(Connack::Result::refused, "Server unavailable");
  EXPECT_TRUE(
      r.log.has("warning: broker localhost:1883 refused the connection: Server "
                "unavailable"));
  EXPECT_EQ(r.c.fatal(), 0);
  r.t.drop("The connection was refused.");  // the broker closes after its refusal
  run_for(r.c, r.t, r.clock, 2s);
  EXPECT_TRUE(r.c.connected());
}

TEST(Connection, AnOutageIsSummedUpEveryFiveMinutesWithTheValuesHeld) {
  ConnectionRig r;
  r.t.broker_up = false;
  r.c.start();
  run_for(r.c, r.t, r.clock, std::chrono::minutes(6));
  EXPECT_TRUE(r.log.has("still unreachable after 30"));  // the first summary: 5 min, 30x s
  EXPECT_TRUE(r.log.has("; 3 values held"));
}

}  // namespace connection_tests
}  // namespace mtec::mqtt
