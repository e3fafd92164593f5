// What a frame must pass before it is published: its age and its levels.
#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "mtec/mqtt/frame_checks.hpp"

namespace mtec::mqtt {
namespace frame_checks_tests {

using namespace fake;

Json frame_at(const std::string& ts) {
  return Json{{"ts", ts}, {"serial", "S1"}, {"group", "now-base"}, {"values", {{"pv", 1}}}};
}

struct ChecksRig {
  FakeClock clock;  // 2027-01-15T08:00:00Z
  CapturedLog log;
  RepeatedWarnings repeats{log.log, [this] { return clock.steady; }};
  FrameChecks checks{60s, log.log, repeats, [this] { return clock.wall; }};
};

TEST(FrameChecks, AFrameOlderThanTheBoundIsStaleToldOncePerEpisode) {
  ChecksRig r;
  EXPECT_FALSE(r.checks.stale(frame_at("2027-01-15T07:59:30Z")));
  EXPECT_TRUE(r.checks.stale(frame_at("2027-01-15T07:58:00Z")));
  EXPECT_TRUE(r.checks.stale(frame_at("2027-01-15T07:58:01Z")));
  EXPECT_EQ(r.checks.stale_dropped(), 2u);
  EXPECT_TRUE(
      r.log.has("a now-base frame is 120 s old (more than 60 s): stale frames are not "
                "published as current"));
  EXPECT_FALSE(r.log.has("119 s old"));
  EXPECT_FALSE(r.checks.stale(frame_at("2027-01-15T08:00:00Z")));
  EXPECT_EQ(r.checks.stale_dropped(), 0u);
  EXPECT_TRUE(r.log.has("frames are current again: 2 stale frames were not published"));
}

TEST(FrameChecks, NoBoundOrNoTimestampIsNeverStale) {
  ChecksRig r;
  FrameChecks any_age(0s, r.log.log, r.repeats, [&r] { return r.clock.wall; });
  EXPECT_FALSE(any_age.stale(frame_at("2001-01-01T00:00:00Z")));
  EXPECT_FALSE(r.checks.stale(Json{{"group", "now-base"}, {"values", Json::object()}}));
  EXPECT_FALSE(r.checks.stale(frame_at("not a time")));
}

TEST(FrameChecks, ALevelThatCannotBeATopicRefusesTheFrame) {
  ChecksRig r;
  EXPECT_TRUE(r.checks.topic_safe(frame_at("x"), "S1", "now-base"));
  EXPECT_FALSE(r.checks.topic_safe(frame_at("x"), "S/1", "now-base"));
  EXPECT_TRUE(r.log.has("a now-base frame with serial 'S/1': not a valid topic level"));
  Json f = frame_at("x");
  f["values"]["a#"] = 1;
  EXPECT_FALSE(r.checks.topic_safe(f, "S1", "now-base"));
  EXPECT_TRUE(r.log.has("with key 'a#'"));
}

}  // namespace frame_checks_tests
}  // namespace mtec::mqtt
