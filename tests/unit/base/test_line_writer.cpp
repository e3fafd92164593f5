// LineWriter: a line and '\n' per call, or a burst of lines in one write;
// a reader that went away is a quiet false (EPIPE), not a signal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "mtec/base/line_writer.hpp"

namespace mtec {
namespace {

TEST(LineWriter, WritesLinesAndReportsAGoneReader) {
  ::signal(SIGPIPE, SIG_IGN);  // as run_main does in every tool
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  FILE* out = ::fdopen(p[1], "w");
  LineWriter w(out);
  EXPECT_TRUE(w.write_line("{\"a\":1}"));
  char buf[16] = {};
  ASSERT_EQ(::read(p[0], buf, sizeof buf), 8);
  EXPECT_STREQ(buf, "{\"a\":1}\n");
  ::close(p[0]);  // the reader goes away
  EXPECT_FALSE(w.write_line("next"));
  EXPECT_EQ(w.lines(), 1u);
  std::fclose(out);
}

TEST(LineWriter, ABurstLeavesInOneWriteAtFlush) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
  FILE* out = ::fdopen(p[1], "w");
  LineWriter w(out);
  w.add("{\"a\":1}");
  w.add("{\"b\":2}");
  char buf[32] = {};
  EXPECT_EQ(::read(p[0], buf, sizeof buf), -1);  // nothing yet: the burst is held
  EXPECT_TRUE(w.flush());
  ASSERT_EQ(::read(p[0], buf, sizeof buf), 16);  // both lines, in one read
  EXPECT_STREQ(buf, "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(w.lines(), 2u);
  std::fclose(out);
  ::close(p[0]);
}

TEST(LineWriter, ABurstLargerThanStdiosBufferIsHeldWholeUntilFlush) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ASSERT_EQ(::fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
  FILE* out = ::fdopen(p[1], "w");
  LineWriter w(out);
  const std::string line(4095, 'x');  // with '\n': 4 KiB a line, 20 KiB the burst
  for (int i = 0; i < 5; ++i) w.add(line);
  std::string got(65536, '\0');
  EXPECT_EQ(::read(p[0], got.data(), got.size()), -1);  // none of it went early
  EXPECT_TRUE(w.flush());
  EXPECT_EQ(::read(p[0], got.data(), got.size()), 5 * 4096);
  EXPECT_EQ(w.lines(), 5u);
  std::fclose(out);
  ::close(p[0]);
}

TEST(LineWriter, WhatIsStillInTheBurstGoesOutWhenTheWriterEnds) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  FILE* out = ::fdopen(p[1], "w");
  {
    LineWriter w(out);
    w.add("{\"good\":1}");  // then an error ends the tool before its flush
  }
  char buf[32] = {};
  ASSERT_EQ(::read(p[0], buf, sizeof buf), 11);
  EXPECT_STREQ(buf, "{\"good\":1}\n");
  std::fclose(out);
  ::close(p[0]);
}

}  // namespace
}  // namespace mtec
