// LineInput: blank lines passed over, bad lines numbered, counted, skipped
// or (strict) the end; the summary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "mtec/base/errors.hpp"
#include "mtec/base/line_input.hpp"

namespace mtec {
namespace {

// A pipe holding `text`, closed for writing: the read end.
int pipe_with(const std::string& text) {
  int p[2];
  EXPECT_EQ(::pipe(p), 0);
  EXPECT_EQ(::write(p[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(p[1]);
  return p[0];
}

std::string contents(FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) text += buf;
  return text;
}

TEST(LineInput, BlankLinesPassBadLinesAreNumberedCountedAndSummed) {
  const int fd = pipe_with("a\n\n  \nbad\n" + std::string(100, 'x') + "\nb");
  FILE* out = std::tmpfile();
  Logger log("t", Logger::Format::text, false, out);
  Metrics m("", "t");
  LineInput::Options o;
  o.max_line = 50;
  LineInput in(fd, -1, log, o, &m);
  std::string line;
  std::vector<std::string> good;
  while (in.next(line, -1) == LineInput::Status::line) {
    if (line == "bad")
      in.reject("not a frame: no");
    else
      good.push_back(line);
  }
  in.summarize();
  ::close(fd);
  EXPECT_EQ(good, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(in.lines(), 6u);
  EXPECT_EQ(in.rejected(), 2u);
  const std::string text = contents(out);
  std::fclose(out);
  EXPECT_NE(text.find("t: warning: line 4: not a frame: no (skipped)"), std::string::npos) << text;
  EXPECT_NE(text.find("t: warning: line 5: line too long (skipped)"), std::string::npos) << text;
  EXPECT_NE(text.find("t: notice: 2 of 6 lines were not frames and were skipped"),
            std::string::npos)
      << text;
  EXPECT_NE(m.render().find("mtec_bad_lines_total{tool=\"t\"} 2"), std::string::npos);
}

TEST(LineInput, StrictEndsAtTheFirstBadLine) {
  const int fd = pipe_with("x\ny\n");
  Logger log("t", Logger::Format::text, false, std::tmpfile());
  LineInput::Options o;
  o.strict = true;
  LineInput in(fd, -1, log, o);
  std::string line;
  ASSERT_EQ(in.next(line, -1), LineInput::Status::line);
  try {
    in.reject("not a frame: nope");
    ADD_FAILURE() << "strict went on";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::data);
    EXPECT_STREQ(e.what(), "line 1: not a frame: nope");
  }
  ::close(fd);
}

}  // namespace
}  // namespace mtec
