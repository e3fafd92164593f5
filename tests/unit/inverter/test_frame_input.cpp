// FrameInput: frames pass, a line that is no frame is numbered and skipped,
// both counted in the metrics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "mtec/inverter/frame_input.hpp"

namespace mtec {
namespace {

TEST(FrameInput, FramesPassOtherLinesAreSkippedAndCounted) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  const std::string text =
      "{\"group\":\"day\",\"values\":{\"pv_day\":1}}\nnot json\n\n{\"group\":\"x\"}\n"
      "{\"group\":\"now-base\",\"values\":{}}\n";
  ASSERT_EQ(::write(p[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(p[1]);
  FILE* out = std::tmpfile();
  Logger log("t", Logger::Format::text, false, out);
  Metrics m("", "t");
  FrameInput in(p[0], -1, log, false, &m);
  Json f;
  std::vector<std::string> groups;
  while (in.next(f, -1) == LineInput::Status::line) groups.push_back(f["group"]);
  ::close(p[0]);
  EXPECT_EQ(groups, (std::vector<std::string>{"day", "now-base"}));
  const std::string metrics = m.render();
  EXPECT_NE(metrics.find("mtec_frames_in_total{tool=\"t\"} 2"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("mtec_bad_lines_total{tool=\"t\"} 2"), std::string::npos) << metrics;
  std::rewind(out);
  char buf[256];
  ASSERT_TRUE(std::fgets(buf, sizeof buf, out));
  EXPECT_EQ(std::string(buf).rfind("t: warning: line 2: not a frame: ", 0), 0u) << buf;
  std::fclose(out);
}

}  // namespace
}  // namespace mtec
