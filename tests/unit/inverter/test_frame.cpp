// Frames: timestamps from outside are parsed only when the clock can hold
// them (a fuzzer's year 4052 overflowed the nanosecond clock); error classes
// are enumerators inside, wire names in the line, and other stages' classes
// pass through.
#include <gtest/gtest.h>

#include <iterator>
#include <set>

#include "mtec/inverter/frame.hpp"

namespace mtec {
namespace {

TEST(Frame, TimestampsParseTheFramesFormat) {
  const auto t = parse_timestamp("2026-12-01T10:00:00.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(iso_timestamp(*t), "2026-12-01T10:00:00.123Z");
  EXPECT_TRUE(parse_timestamp("2026-12-01T10:00:00Z"));
  EXPECT_EQ(iso_timestamp(*parse_timestamp("2026-12-01T10:00:00.5Z")), "2026-12-01T10:00:00.500Z");
}

TEST(Frame, TimestampsTheClockCannotHoldAreRefused) {
  for (const char* bad :
       {"4052-12-01T10:00:00.000Z", "1969-12-31T23:59:59Z", "2026-13-01T10:00:00Z",
        "2026-12-01T25:00:00Z", "2026-12-01T10:00:00.-12Z", "2026-12-01T10:00:00", "", "x",
        "9999-99-99T99:99:99Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_timestamp(bad));
  }
}

TEST(Frame, ALineParsesBackToTheFrameItWasWrittenFrom) {
  Frame f;
  f.ts = "2026-11-30T16:20:00.123Z";
  f.serial = "S1";
  f.group = Group::now_base;
  f.values = {{"grid_power", Value{int64_t{-120}}}, {"battery_soc", Value{56.5}}};
  const std::string line = frame_line(f);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  Json back;
  ASSERT_EQ(parse_frame(line, back), "");
  EXPECT_EQ(frame_line(back), line);
  EXPECT_EQ(back["values"]["grid_power"], -120);
}

TEST(Frame, ErrorClassesAreWrittenByTheirWireNamesAndParseBack) {
  const std::vector<std::pair<FrameErrorClass, std::string>> wire = {
      {ErrorClass::temp_fail, "timeout"},
      {ErrorClass::unavailable, "unavailable"},
      {ErrorClass::protocol, "protocol"},
      {FrameOnlyClass::undecodable, "undecodable"},
      {FrameOnlyClass::missing_input, "missing-input"},
      {FrameOnlyClass::formula, "formula"}};
  for (const auto& [cls, name] : wire) {
    FrameError e;
    e.keys = {"k"};
    e.cls = cls;
    e.message = "m";
    EXPECT_EQ(error_to_json(e).dump(), R"({"keys":["k"],"class":")" + name + R"(","message":"m"})");
    EXPECT_EQ(parse_frame_class(name), cls) << name;
  }
  std::set<std::string_view> names;  // no two classes share a name
  for (const ErrorClass c : kAllErrorClasses) names.insert(frame_class_name(c));
  for (const FrameOnlyClass c :
       {FrameOnlyClass::undecodable, FrameOnlyClass::missing_input, FrameOnlyClass::formula})
    names.insert(frame_class_name(c));
  EXPECT_EQ(names.size(), std::size(kAllErrorClasses) + 3);
  EXPECT_TRUE(FrameError{}.is(ErrorClass::software));  // a class never set is a bug's
}

TEST(Frame, AnErrorOfAClassNoStageOfOursNamesPassesThroughUnchanged) {
  const std::string line =
      R"({"group":"now-base","values":{"pv":1},"errors":[{"keys":["x"],"class":"solar-flare",)"
      R"("message":"m"},{"class":7}]})";
  Json frame;
  ASSERT_EQ(parse_frame(line, frame), "");  // a frame, whatever its errors say
  EXPECT_EQ(frame_problem(frame), "");
  EXPECT_EQ(frame_line(frame), line);
  EXPECT_EQ(parse_frame_class("solar-flare"), std::nullopt);
  EXPECT_EQ(parse_frame_class("missing_input"), std::nullopt);
}

TEST(Frame, ALineReplacesInvalidUtf8AndSaysWhyOthersAreNoFrames) {
  Json j = {{"group", "now-base"}, {"values", {{"serial", std::string("A\xff")}}}};
  EXPECT_EQ(frame_line(j), "{\"group\":\"now-base\",\"values\":{\"serial\":\"A\xef\xbf\xbd\"}}");
  Json out;
  EXPECT_EQ(parse_frame("[1]", out), "not a JSON object");
  EXPECT_EQ(parse_frame("{\"values\":{}}", out), "no \"group\" string");
  EXPECT_EQ(parse_frame("{\"group\":\"g\"}", out), "no \"values\" object");
  EXPECT_NE(parse_frame("{", out), "");
}

}  // namespace
}  // namespace mtec
