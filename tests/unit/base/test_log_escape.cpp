// Escaping of outside values for text logs: control bytes, invalid UTF-8,
// invisible controls, backslashes, the length bound; the Logger's own
// escaping of whole messages.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "mtec/base/log_escape.hpp"
#include "mtec/base/utf8.hpp"

namespace mtec {
namespace {

using namespace std::string_literals;

TEST(LogEscape, PlainTextStaysAsItIs) {
  EXPECT_EQ(untrusted("MTEC/B2025/now-base/grid_power"), "MTEC/B2025/now-base/grid_power");
  EXPECT_EQ(untrusted("Grün 25 °C"), "Grün 25 °C");
  EXPECT_EQ(untrusted(""), "");
}

TEST(LogEscape, ControlBytesAreEscaped) {
  EXPECT_EQ(untrusted("x\n<0>mtec-write: notice: wrote\x1b[2J"),
            "x\\n<0>mtec-write: notice: wrote\\x1b[2J");
  EXPECT_EQ(untrusted("\t33\r\n"), "\\t33\\r\\n");
  EXPECT_EQ(untrusted("a\0b"s), "a\\x00b");
  EXPECT_EQ(untrusted("del\x7f"), "del\\x7f");
}

TEST(LogEscape, BackslashIsEscapedSoTheEscapingIsUnambiguous) {
  // a literal "\n" in the input differs from a newline in the output
  EXPECT_EQ(untrusted("a\\nb"), "a\\\\nb");
  EXPECT_EQ(untrusted("a\nb"), "a\\nb");
}

TEST(LogEscape, InvalidUtf8IsEscapedByteByByte) {
  EXPECT_EQ(untrusted("bad \xff\xfe end"), "bad \\xff\\xfe end");
  EXPECT_EQ(untrusted("cut \xc3"), "cut \\xc3");            // a sequence cut short
  EXPECT_EQ(untrusted("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(untrusted("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(LogEscape, InvisibleAndLineBreakingCodePointsAreEscaped) {
  EXPECT_EQ(untrusted("a\xc2\x85z"), "a\\u0085z");  // NEL
  EXPECT_EQ(untrusted("\xc2\x9b"
                      "31m"),
            "\\u009b31m");                                // C1 CSI
  EXPECT_EQ(untrusted("x\xe2\x80\xa8y"), "x\\u2028y");    // line separator
  EXPECT_EQ(untrusted("\xe2\x80\xaegnp"), "\\u202egnp");  // right-to-left override
}

TEST(LogEscape, LongValuesAreCutWithTheirSize) {
  const std::string mb(1 << 20, 'A');
  const auto s = untrusted(mb);
  EXPECT_EQ(s, std::string(120, 'A') + "... (1048576 bytes)");
  EXPECT_EQ(untrusted("abcdef", 3), "abc... (6 bytes)");
  EXPECT_EQ(untrusted("abc", 3), "abc");
}

TEST(LogEscape, TheCutNeverSplitsAnEscapeOrACharacter) {
  // "ab" then "\n" (2 bytes) would make 4 > 3: cut before it
  EXPECT_EQ(untrusted("ab\ncd", 3), "ab... (5 bytes)");
  EXPECT_EQ(untrusted("aü", 2), "a... (3 bytes)");
  const std::string esc(1000, '\x1b');
  const auto s = untrusted(esc);
  EXPECT_EQ(s.substr(0, 8), "\\x1b\\x1b");
  EXPECT_LE(s.size(), 120u + 20u);
  EXPECT_TRUE(s.ends_with("\\x1b... (1000 bytes)")) << s;
}

// Any input: no byte below 0x20 and no DEL in the result, the result valid
// UTF-8 and bounded, and every backslash starting a known escape.
TEST(LogEscape, GeneratedInputGivesSafeBoundedUtf8) {
  std::mt19937 rng(24);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 400);
  for (int round = 0; round < 20000; ++round) {
    std::string in(static_cast<size_t>(len(rng)), '\0');
    for (auto& c : in) c = static_cast<char>(byte(rng));
    const auto out = untrusted(in);
    ASSERT_LE(out.size(), 120u + 24u);
    ASSERT_TRUE(valid_utf8(out)) << out;
    for (size_t i = 0; i < out.size(); ++i) {
      const auto c = static_cast<unsigned char>(out[i]);
      ASSERT_GE(c, 0x20) << "byte " << i << " of " << out;
      ASSERT_NE(c, 0x7f);
      if (c == '\\') {
        ASSERT_LT(i + 1, out.size());
        const char e = out[i + 1];
        ASSERT_TRUE(e == '\\' || e == 'n' || e == 'r' || e == 't' || e == 'x' || e == 'u') << out;
        ++i;
      }
    }
    const auto whole = escape_controls(in);
    for (const char c : whole) ASSERT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f);
  }
}

TEST(LogEscape, EscapeControlsCutsAtTheBoundBeforeACharacterOrEscape) {
  EXPECT_EQ(escape_controls("abcdef", 4), "abcd... (6 bytes)");
  EXPECT_EQ(escape_controls("abc\ndef", 4), "abc... (7 bytes)");
  EXPECT_EQ(escape_controls("ab\xc3\xbc", 3), "ab... (4 bytes)");  // not inside the ü
  EXPECT_EQ(escape_controls("abc", 3), "abc");
}

TEST(LogEscape, EscapeControlsKeepsBackslashesAndUtf8) {
  EXPECT_EQ(escape_controls("wrote \\x1b\n<0>x\x1b[2J ü"), "wrote \\x1b\\n<0>x\\x1b[2J ü");
  EXPECT_EQ(escape_controls(untrusted("a\nb")), "a\\nb");  // not escaped twice
}

}  // namespace
}  // namespace mtec
