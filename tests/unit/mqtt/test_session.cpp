// The MQTT session with a fake transport and fake time: held values after a
// reconnect, discovery on Home Assistant's birth after the grace time,
// availability when data stop and come back, the order discovery -> state
// values, the end-of-input barrier, a refused login, the command path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>

#include "commands_fifo.hpp"
#include "fake_transport.hpp"
#include "golden.hpp"
#include "mtec/mqtt/discovery.hpp"
#include "mtec/mqtt/session.hpp"

namespace mtec::mqtt {
namespace session_tests {

using namespace fake;

const std::string kSoc = "MTEC/S1/now-base/battery_soc/state";
const std::string kGrid = "MTEC/S1/now-base/grid_power/state";
const std::string kAvailability = "MTEC/M-TEC-MQTT/availability";

Json now_base(double soc, int grid = -100) {
  return Json{{"serial", "S1"},
              {"group", "now-base"},
              {"values", {{"battery_soc", soc}, {"grid_power", grid}}}};
}

Json static_frame() {
  return Json{
      {"serial", "S1"},
      {"group", "static"},
      {"values",
       {{"serial_no", "S1"}, {"equipment_info", "8.0K-25A-3P"}, {"firmware_version", "V1"}}}};
}

bool is_config(const FakeTransport::Message& m) {
  return m.topic.rfind("homeassistant/", 0) == 0 && m.topic.ends_with("/config");
}

size_t discovery_count() {
  return discovery_messages(test::project_catalog(), discovery_options(Options{}, "S1")).size();
}

struct SessionRig {
  FakeClock clock;
  FakeTransport t{clock};
  CapturedLog log;
  Options o;
  std::unique_ptr<Session> s;
  Session& make() {
    s = std::make_unique<Session>(test::project_catalog(), o, t, log.log, clock.clock(),
                                  [] { return 0.5; });
    return *s;
  }
  void run(std::chrono::milliseconds d) { run_for(*s, t, clock, d); }
  // started and connected
  Session& connected() {
    make().start();
    run(10ms);
    EXPECT_TRUE(s->connected());
    return *s;
  }
};

TEST(Session, HeldValuesArePublishedAfterTheReconnectLatestPerTopicOnly) {
  SessionRig r;
  Session& s = r.connected();
  s.frame(now_base(50));
  EXPECT_EQ(r.t.payloads(kSoc), std::vector<std::string>{"50.000"});
  r.t.drop();
  r.t.broker_up = false;
  for (const double soc : {51, 52, 53}) s.frame(now_base(soc, static_cast<int>(-soc)));
  EXPECT_EQ(s.held(), 2u);  // two topics, the latest of each
  r.run(20s);               // the broker stays away: reconnects with backoff
  EXPECT_GT(r.t.connects.size(), 5u);
  EXPECT_EQ(s.held(), 2u);
  r.t.broker_up = true;
  r.run(3s);
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.held(), 0u);
  EXPECT_EQ(r.t.payloads(kSoc), (std::vector<std::string>{"50.000", "53.000"}));
  EXPECT_EQ(r.t.payloads(kGrid), (std::vector<std::string>{"-100", "-53"}));
  EXPECT_TRUE(r.log.has("info: published 2 held values"));
}

TEST(Session, DiscoveryIsSentAgainOnHomeAssistantsBirthOnlyAfterTheGraceTime) {
  SessionRig r;
  r.o.settings.hass_enable = true;
  r.o.settings.hass_birth_gracetime = Seconds(15);
  Session& s = r.connected();
  EXPECT_EQ(r.t.subscribed, std::vector<std::string>{"homeassistant/status"});
  s.frame(static_frame());
  const size_t n = discovery_count();
  EXPECT_EQ(std::count_if(r.t.published.begin(), r.t.published.end(), is_config), n);
  EXPECT_EQ(r.t.subscribed.back(), "MTEC/S1/+/+/set");
  r.t.published.clear();
  r.t.send("homeassistant/status", "online");
  r.run(14900ms);
  EXPECT_TRUE(r.t.published.empty());  // not before the grace time
  EXPECT_TRUE(r.log.has("Home Assistant is online: discovery again in 15 s"));
  r.run(200ms);
  EXPECT_EQ(r.t.published.size(), n);
  EXPECT_TRUE(std::all_of(r.t.published.begin(), r.t.published.end(),
                          [](const auto& m) { return is_config(m) && m.retain; }));
  r.t.published.clear();
  r.t.send("homeassistant/status", "offline");
  r.run(20s);
  EXPECT_TRUE(r.t.published.empty());
}

TEST(Session, AvailabilityGoesOfflineWhenFreshDataStopAndOnlineWhenTheyReturn) {
  SessionRig r;
  r.o.settings.hass_availability = true;
  r.o.settings.refresh_now = Seconds(10);  // offline after 3 periods without data
  r.o.settings.hass_availability_periods = 3;
  Session& s = r.connected();
  // the will may have said offline: the session says what is true at once
  EXPECT_EQ(r.t.payloads(kAvailability), std::vector<std::string>{"offline"});
  s.frame(now_base(50));
  EXPECT_TRUE(s.available());
  r.run(29s);
  s.frame(now_base(51));  // fresh again: online for another 30 s
  r.run(29s);
  EXPECT_TRUE(s.available());
  r.run(2s);
  EXPECT_FALSE(s.available());
  EXPECT_TRUE(
      r.log.has("MTEC/M-TEC-MQTT/availability = offline (no fresh now-base data for 30 s)"));
  s.frame(now_base(52));
  EXPECT_TRUE(s.available());
  EXPECT_EQ(r.t.payloads(kAvailability),
            (std::vector<std::string>{"offline", "online", "offline", "online"}));
  for (const auto& m : r.t.published)
    if (m.topic == kAvailability) {
      EXPECT_TRUE(m.retain);
    }
}

TEST(Session, AStaticFramesDiscoveryGoesOutBeforeItsStateValues) {
  SessionRig r;
  r.o.settings.hass_enable = true;
  Session& s = r.connected();
  s.frame(static_frame());
  const size_t n = discovery_count();
  ASSERT_GT(r.t.published.size(), n);
  for (size_t i = 0; i < r.t.published.size(); ++i)
    EXPECT_EQ(is_config(r.t.published[i]), i < n) << i << " " << r.t.published[i].topic;
}

TEST(Session, AfterAReconnectDiscoveryGoesOutBeforeTheHeldStateValues) {
  // QoS 0 has no acknowledgement: what is guaranteed is the order on the
  // connection (the broker processes packets in order), discovery first
  SessionRig r;
  r.o.settings.hass_enable = true;
  r.t.broker_up = false;
  Session& s = r.make();
  s.start();
  s.frame(static_frame());
  s.frame(now_base(50));
  EXPECT_TRUE(r.t.published.empty());
  r.t.broker_up = true;
  r.run(3s);
  const size_t n = discovery_count();
  ASSERT_EQ(r.t.published.size(), n + 5);  // 3 static values, 2 now-base values
  for (size_t i = 0; i < r.t.published.size(); ++i)
    EXPECT_EQ(is_config(r.t.published[i]), i < n) << i << " " << r.t.published[i].topic;
}

TEST(Session, FinishDisconnectsOnlyAfterTheBrokerAnswersTheBarrier) {
  SessionRig r;
  r.o.commands_out = "/nonexistent/commands";
  Session& s = r.connected();
  s.frame(now_base(50));
  EXPECT_EQ(s.finish(), 0);
  EXPECT_EQ(r.t.calls,
            (std::vector<std::string>{"unsubscribe MTEC/S1/+/+/set", "unsuback", "disconnect"}));
  EXPECT_FALSE(s.connected());
}

TEST(Session, FinishWithoutCommandTopicsUnsubscribesTheBarrierTopic) {
  SessionRig r;
  Session& s = r.connected();
  s.frame(now_base(50));
  EXPECT_EQ(s.finish(), 0);
  EXPECT_EQ(r.t.unsubscribed_topics, std::vector<std::string>{"MTEC/S1/mtec-publish-barrier"});
}

TEST(Session, ABarrierTheBrokerDoesNotAnswerIsWaitedForTheLingerTimeThenTold) {
  SessionRig r;
  r.o.linger = 5s;
  r.t.answer_unsubscribe = false;
  Session& s = r.connected();
  s.frame(now_base(50));
  const auto before = r.clock.steady;
  EXPECT_EQ(s.finish(), 0);
  EXPECT_GE(r.clock.steady - before, 5s);
  EXPECT_EQ(r.t.calls.back(), "disconnect");
  EXPECT_TRUE(r.log.has("warning: the broker did not confirm the last messages in time"));
}

TEST(Session, ABrokerNeverReachedEndsWith69AndSaysWhatWasNotDelivered) {
  SessionRig r;
  r.o.linger = 2s;
  r.t.broker_up = false;
  Session& s = r.make();
  s.start();
  s.frame(now_base(50));
  EXPECT_EQ(s.finish(), 69);
  EXPECT_TRUE(
      r.log.has("error: broker localhost:1883 was never reachable; 2 values not delivered"));
}

TEST(Session, ARefusedLoginIsFatal77) {
  SessionRig r;
  r.t.answer = Connack::Result::login_refused;
  r.t.answer_reason = "Not authorized";
  Session& s = r.make();
  s.start();
  r.run(5s);
  ASSERT_TRUE(s.fatal());
  EXPECT_EQ(*s.fatal(), 77);
  EXPECT_EQ(s.finish(), 77);
  EXPECT_EQ(s.stop(), 77);
  EXPECT_EQ(r.t.connects.size(), 1u);
}

TEST(Session, TheStatusTellsWhatTheSessionIsDoing) {
  SessionRig r;
  Session& s = r.make();
  EXPECT_EQ(s.status(), "connecting to the broker localhost:1883");
  s.start();
  r.run(10ms);
  EXPECT_EQ(s.status(), "waiting for the first values");
  s.frame(now_base(50));
  EXPECT_EQ(s.status(), "publishing");
  r.t.broker_up = false;
  r.t.drop();
  s.frame(now_base(51));
  const std::string down = s.status();
  EXPECT_EQ(down.rfind("broker down since ", 0), 0u) << down;
  EXPECT_TRUE(down.ends_with(", 2 latest values held")) << down;
}

TEST(Session, ATopicTheBrokerRefusesIsDroppedNotHeld) {
  SessionRig r;
  r.o.settings.mqtt_topic = "bad+root";
  r.t.broker_up = false;
  Session& s = r.make();
  s.start();
  s.frame(now_base(50));
  EXPECT_EQ(s.held(), 0u);
  EXPECT_TRUE(
      r.log.has("warning: the broker refuses topic 'bad+root/S1/now-base/battery_soc/state' "
                "(Invalid function arguments provided.): its values are dropped"));
}

TEST(Session, ATopicRefusedWhileConnectedIsDroppedWithAWarningNotHeld) {
  SessionRig r;
  r.o.settings.mqtt_topic = "bad#root";
  Session& s = r.connected();
  s.frame(now_base(50));
  EXPECT_TRUE(r.t.published.empty());
  EXPECT_EQ(s.held(), 0u);
  EXPECT_TRUE(
      r.log.has("warning: the broker refuses topic 'bad#root/S1/now-base/battery_soc/state' "
                "(Invalid function arguments provided.): its values are dropped"));
}

TEST(Session, AFrameWithoutASerialBeforeAnyIsNotPublished) {
  SessionRig r;
  Session& s = r.connected();
  s.frame(Json{{"group", "now-base"}, {"values", {{"battery_soc", 1}}}});
  EXPECT_TRUE(r.t.published.empty());
  s.frame(now_base(50));
  s.frame(Json{{"group", "now-base"}, {"values", {{"battery_soc", 2}}}});  // the serial known now
  EXPECT_EQ(r.t.payloads(kSoc), (std::vector<std::string>{"50.000", "2"}));
}

TEST(Session, UnregisterClearsEveryDiscoveryTopicWithAnEmptyRetainedMessage) {
  SessionRig r;
  Session& s = r.make();
  s.start();
  EXPECT_EQ(s.unregister("S1"), 0);
  ASSERT_EQ(r.t.published.size(), discovery_count());  // (S1 and the legacy ids: same topics)
  for (const auto& m : r.t.published) EXPECT_TRUE(is_config(m) && m.payload.empty() && m.retain);
  EXPECT_TRUE(r.log.has(fmt::format("cleared {} discovery topics", discovery_count())));
}

class SessionCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    r_.o.commands_out =
        fifo_.path();  // without HA: the commands are subscribed with the first serial
    r_.connected().frame(now_base(50));
  }
  std::string set_topic_of(const std::string& key) {
    return "MTEC/S1/" + std::string(group_name(test::project_catalog().find(key)->group)) + "/" +
           key + "/set";
  }
  CommandsFifo fifo_;
  SessionRig r_;
};

TEST_F(SessionCommands, ASetCommandIsRelayedToTheCommandsFifoAsOneLine) {
  EXPECT_EQ(r_.t.subscribed, std::vector<std::string>{"MTEC/S1/+/+/set"});
  r_.t.send(set_topic_of("charge_limit"), "20");
  r_.run(10ms);
  const std::string line = fifo_.drain();
  EXPECT_EQ(line.rfind(R"({"ts":"2027-01-15T08:00:00.)", 0), 0u) << line;
  EXPECT_NE(line.find(R"("key":"charge_limit","value":"20")"), std::string::npos) << line;
  EXPECT_TRUE(line.ends_with("\"topic\":\"" + set_topic_of("charge_limit") + "\"}\n")) << line;
  EXPECT_TRUE(r_.log.has("info: command charge_limit = '20' -> " + fifo_.path()));
}

TEST_F(SessionCommands, AnUnknownKeyAnOversizePayloadAndARetainedCommandAreRefused) {
  r_.t.send("MTEC/S1/now-base/nosuch/set", "1");
  r_.t.send(set_topic_of("charge_limit"), std::string(65, '2'));
  r_.t.send(set_topic_of("charge_limit"), "20", true);
  r_.t.send("MTEC/S1/now-grid/charge_limit/set", "20");  // not the key's group
  r_.run(10ms);
  EXPECT_EQ(fifo_.drain(), "");
  EXPECT_TRUE(
      r_.log.has("command on MTEC/S1/now-base/nosuch/set rejected: unknown register "
                 "'nosuch'"));
  EXPECT_TRUE(r_.log.has("rejected: a payload of 65 bytes (at most 64)"));
  EXPECT_TRUE(r_.log.has("ignored a retained command on " + set_topic_of("charge_limit") +
                         " (commands must not be retained)"));
  EXPECT_TRUE(
      r_.log.has("ignored a command on MTEC/S1/now-grid/charge_limit/set: not the "
                 "command topic of a key of S1"));
}

}  // namespace session_tests
}  // namespace mtec::mqtt
