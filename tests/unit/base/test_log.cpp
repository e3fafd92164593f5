// Log lines: "<tool>: <level>: message", <N> under journald, JSON lines,
// the threshold, hint lines.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "mtec/base/log.hpp"

namespace mtec {
namespace {

std::string lines_of(const std::function<void(const Logger&)>& write, Logger::Format f,
                     bool journal, Level threshold = Level::info) {
  FILE* out = std::tmpfile();
  Logger log("mtec-x", f, journal, out);
  log.set_threshold(threshold);
  write(log);
  std::rewind(out);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, out)) text += buf;
  std::fclose(out);
  return text;
}

TEST(Log, TextLinesWithLevelAndHint) {
  const auto text = lines_of(
      [](const Logger& l) {
        l.warn("lost it");
        l.hint("check this");
        l.debug("not shown");
      },
      Logger::Format::text, false);
  EXPECT_EQ(text, "mtec-x: warning: lost it\nmtec-x: hint: check this\n");
}

TEST(Log, JournalPrefixesThePriority) {
  const auto text = lines_of(
      [](const Logger& l) {
        l.error("e");
        l.notice("n");
        l.hint("h");
      },
      Logger::Format::text, true);
  EXPECT_EQ(text, "<3>mtec-x: error: e\n<5>mtec-x: notice: n\n<5>mtec-x: hint: h\n");
}

TEST(Log, ThresholdNoticeHidesInfo) {
  const auto text = lines_of(
      [](const Logger& l) {
        l.info("i");
        l.notice("n");
      },
      Logger::Format::text, false, Level::notice);
  EXPECT_EQ(text, "mtec-x: notice: n\n");
}

TEST(Log, JsonLinesParse) {
  const auto text = lines_of([](const Logger& l) { l.warn("bad \xff byte \"quoted\""); },
                             Logger::Format::json, false);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["tool"], "mtec-x");
  EXPECT_EQ(j["message"].get<std::string>().substr(0, 4), "bad ");
  EXPECT_EQ(j["time"].get<std::string>().size(), 24u);  // 2026-12-01T11:00:00.000Z
}

// Whatever a message holds, a text line stays one line without terminal
// escapes: no forged "<0>" journal entry, no ANSI sequence.
TEST(Log, TextLinesEscapeControlBytesOfTheMessage) {
  const auto text = lines_of(
      [](const Logger& l) { l.warn("rejected x\n<0>mtec-write: notice: wrote mode\x1b[2J"); },
      Logger::Format::text, true);
  EXPECT_EQ(text, "<4>mtec-x: warning: rejected x\\n<0>mtec-write: notice: wrote mode\\x1b[2J\n");
}

TEST(Log, ATextMessageIsBounded) {
  const auto text = lines_of([](const Logger& l) { l.warn(std::string(100000, 'x')); },
                             Logger::Format::text, false);
  EXPECT_EQ(text, "mtec-x: warning: " + std::string(4096, 'x') + "... (100000 bytes)\n");
}

TEST(Log, JsonLinesKeepTheMessageAsItIs) {
  const auto text =
      lines_of([](const Logger& l) { l.warn("a\nb\x1b"); }, Logger::Format::json, false);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  EXPECT_EQ(nlohmann::json::parse(text)["message"], "a\nb\x1b");
}

}  // namespace
}  // namespace mtec
