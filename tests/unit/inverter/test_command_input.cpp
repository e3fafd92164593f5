// mtec-write --stdin's input: every field of mtec-publish's command line is
// read (ts, key, value, topic, a test each), the value encoded here once; a
// refused line is counted and told, a refused /set value with its topic.
#include <gtest/gtest.h>

#include <vector>

#include "captured_log.hpp"
#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/inverter/command_input.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
namespace {

struct InputRig {
  test::CapturedLog log{"mtec-write"};
  TimePoint now{std::chrono::seconds(1000)};
  RepeatedWarnings repeats{log.log, [this] { return now; }};
  Metrics metrics{"", "mtec-write"};
  std::vector<std::string> bad_lines;
  CommandInput input{test::project_catalog(), metrics, repeats,
                     [this](const std::string& why) { bad_lines.push_back(why); }};
  InputRig() {
    metrics.counter(metric::kWrites, "Register writes by result");
    metrics.add(metric::kWrites, 0, "result=\"refused\"");
  }
  bool counted_refused(double n) const {
    return metric_value(parse_metrics_text(metrics.render()), metric::kWrites,
                        "result=\"refused\"") == n;
  }
};

// The line mtec-publish writes (state_messages.hpp's command_line).
const char* kPublished = R"({"ts":"2026-11-30T16:20:00.123Z","key":"mode","value":"Economic mode",)"
                         R"("topic":"MTEC/S1/now-base/mode/set"})";

TEST(CommandLine, TsIsWhenItWasSentAndOptional) {
  const CommandLine c = parse_command_line(kPublished);
  ASSERT_TRUE(c.ts);
  EXPECT_EQ(iso_timestamp(*c.ts), "2026-11-30T16:20:00.123Z");
  EXPECT_FALSE(parse_command_line(R"({"key":"charge_limit","value":"20"})").ts);
  EXPECT_THROW(parse_command_line(R"({"ts":"yesterday","key":"mode","value":"258"})"), Error);
}

TEST(CommandLine, KeyAndValueAreTakenAsSentAJsonNumberAsWritten) {
  const CommandLine c = parse_command_line(kPublished);
  EXPECT_EQ(c.key, "mode");
  EXPECT_EQ(c.value, "Economic mode");
  EXPECT_EQ(parse_command_line(R"({"key":"charge_limit","value":3.9})").value, "3.9");
  EXPECT_THROW(parse_command_line(R"({"key":"mode"})"), Error);
  EXPECT_THROW(parse_command_line(R"({"value":"1"})"), Error);
  EXPECT_THROW(parse_command_line("not json"), Error);
}

TEST(CommandLine, TopicIsWhereItCameFromAndOptional) {
  EXPECT_EQ(parse_command_line(kPublished).topic, "MTEC/S1/now-base/mode/set");
  EXPECT_EQ(parse_command_line(R"({"key":"mode","value":"258"})").topic, "");
  EXPECT_THROW(parse_command_line(R"({"key":"mode","value":"258","topic":7})"), Error);
  // keys it does not know are ignored (an older mtec-publish's address and words)
  EXPECT_EQ(parse_command_line(R"({"key":"mode","value":"258","address":1,"words":[9]})").key,
            "mode");
}

TEST(CommandInput, TheValueIsEncodedHereWithItsTimestamp) {
  InputRig r;
  const auto c = r.input.take(kPublished);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->write.reg->mqtt, "mode");
  EXPECT_EQ(c->write.words, std::vector<uint16_t>{258});
  EXPECT_EQ(c->write.requested, "Economic mode");
  ASSERT_TRUE(c->ts);
  EXPECT_EQ(iso_timestamp(*c->ts), "2026-11-30T16:20:00.123Z");
  const auto next = r.input.take(R"({"key":"charge_limit","value":3.9})");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->write.words, std::vector<uint16_t>{39});
  EXPECT_GT(next->seq, c->seq);  // arrival order
  EXPECT_TRUE(r.counted_refused(0));
}

TEST(CommandInput, ARefusedSetValueNamesItsTopicEscapedOnceThenSummedUp) {
  InputRig r;
  const std::string line =
      R"({"ts":"2026-11-30T16:20:00Z","key":"charge_limit","value":"x\n<0>forged",)"
      R"("topic":"MTEC/S1/config/charge_limit/set"})";
  EXPECT_FALSE(r.input.take(line));
  EXPECT_FALSE(r.input.take(line));
  EXPECT_TRUE(r.counted_refused(2));
  EXPECT_TRUE(r.bad_lines.empty());
  r.repeats.flush();
  const std::string text = r.log.text();
  const std::string told =
      "warning: command on MTEC/S1/config/charge_limit/set rejected: charge_limit (52601): "
      "'x\\n<0>forged' is not a number";
  EXPECT_NE(text.find(told + "\n"), std::string::npos) << text;
  EXPECT_NE(text.find(told + " (1 more time)"), std::string::npos) << text;
}

TEST(CommandInput, ALineWithoutATopicOrNoCommandAtAllIsABadLine) {
  InputRig r;
  EXPECT_FALSE(r.input.take(R"({"key":"on_grid_soc_limit","value":"-5"})"));
  EXPECT_FALSE(r.input.take(R"({"key":"bogus","value":"1"})"));
  EXPECT_FALSE(r.input.take(R"({"topic":"MTEC/S1/config/charge_limit/set"})"));
  EXPECT_EQ(r.bad_lines,
            (std::vector<std::string>{
                "on_grid_soc_limit (52503): -5 is outside the allowed range 0..100 %",
                "unknown register 'bogus'", "not a command {\"key\":...,\"value\":...}"}));
  EXPECT_TRUE(r.counted_refused(3));
  EXPECT_EQ(r.log.text(), "");
}

}  // namespace
}  // namespace mtec
