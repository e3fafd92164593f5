// Repeated warnings: the first logged, then a count at most once a minute,
// the rest at the end; keys bounded. The clock is injected.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "mtec/base/repeats.hpp"

namespace mtec {
namespace {

using std::chrono::seconds;

struct Captured {
  FILE* out = std::tmpfile();
  Logger log{"mtec-x", Logger::Format::text, false, out};
  ~Captured() { std::fclose(out); }
  std::string text() {
    std::fflush(out);
    std::rewind(out);
    std::string t;
    char buf[512];
    while (std::fgets(buf, sizeof buf, out)) t += buf;
    return t;
  }
};

TEST(RepeatedWarnings, FirstThenACountOnceAMinuteThenTheRestAtTheEnd) {
  Captured c;
  TimePoint now{};
  {
    RepeatedWarnings w(c.log, [&] { return now; });
    EXPECT_TRUE(w.warn("rejected", "MTEC/x/set", "rejected 1"));
    for (int i = 2; i <= 200; ++i) {
      now += std::chrono::milliseconds(100);  // 200 in 20 s: none of them logged
      EXPECT_FALSE(w.warn("rejected", "MTEC/x/set", fmt::format("rejected {}", i)));
    }
    now += seconds(41);  // a minute after the first line
    EXPECT_TRUE(w.warn("rejected", "MTEC/x/set", "rejected 201"));
    EXPECT_FALSE(w.warn("rejected", "MTEC/x/set", "rejected 202"));
    EXPECT_FALSE(w.warn("rejected", "MTEC/x/set", "rejected 203"));
    EXPECT_EQ(w.count("rejected"), 203u);
  }  // the end: the two not told
  EXPECT_EQ(c.text(),
            "mtec-x: warning: rejected 1\n"
            "mtec-x: warning: rejected 201 (200 times in the last 60 s)\n"
            "mtec-x: warning: rejected 203 (2 more times)\n");
}

TEST(RepeatedWarnings, KindsAndKeysAreApart) {
  Captured c;
  TimePoint now{};
  RepeatedWarnings w(c.log, [&] { return now; });
  EXPECT_TRUE(w.warn("refused", "a", "a"));
  EXPECT_TRUE(w.warn("refused", "b", "b"));
  EXPECT_TRUE(w.warn("dropped", "a", "a dropped"));
  EXPECT_FALSE(w.warn("refused", "a", "a"));
  w.flush();
  w.flush();  // told once
  EXPECT_EQ(c.text(),
            "mtec-x: warning: a\nmtec-x: warning: b\nmtec-x: warning: a dropped\n"
            "mtec-x: warning: a (1 more time)\n");
}

TEST(RepeatedWarnings, KeysFromOutsideAreBounded) {
  Captured c;
  TimePoint now{};
  RepeatedWarnings w(
      c.log, [&] { return now; }, seconds(60), 3);
  for (int i = 0; i < 1000; ++i)
    w.warn("refused", std::to_string(i), "refused " + std::to_string(i));
  w.flush();
  // 3 keys, then one shared entry: its first line, and one summary
  EXPECT_EQ(c.text(),
            "mtec-x: warning: refused 0\nmtec-x: warning: refused 1\nmtec-x: warning: refused 2\n"
            "mtec-x: warning: refused 3\nmtec-x: warning: refused 999 (996 more times)\n");
  EXPECT_EQ(w.count("refused"), 1000u);
}

}  // namespace
}  // namespace mtec
