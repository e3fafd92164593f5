// Logging to stderr, one line per event: "<tool>: <level>: message", with
// <N> syslog priority prefixes under journald (JOURNAL_STREAM set) and a JSON
// line format (--log-format json). A text line never holds a control byte of
// the message (escaped as `\n`, `\x1b`: see log_escape.hpp); values from
// outside go through untrusted() as well, which also bounds their length.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

class Logger {
 public:
  enum class Format { text, json };
  // `tool` prefixes every line; `journal` adds <N> prefixes.
  Logger(std::string tool, Format format, bool journal, FILE* out = stderr)
      : tool_(std::move(tool)), format_(format), journal_(journal), out_(out) {}
  // A logger for `tool` configured from the environment (JOURNAL_STREAM).
  static Logger for_tool(std::string tool);

  // -v raises, -q lowers the threshold (default: notice and above, info with -v).
  void set_threshold(Level l) { threshold_ = l; }
  void set_format(Format f) { format_ = f; }
  Level threshold() const { return threshold_; }
  bool enabled(Level l) const { return static_cast<int>(l) <= static_cast<int>(threshold_); }

  void log(Level l, std::string_view message) const;
  void error(std::string_view m) const { log(Level::error, m); }
  void warn(std::string_view m) const { log(Level::warning, m); }
  void notice(std::string_view m) const { log(Level::notice, m); }
  void info(std::string_view m) const { log(Level::info, m); }
  void debug(std::string_view m) const { log(Level::debug, m); }
  // What to check or do about the line before: "<tool>: hint: message" at
  // notice priority (level "hint" in JSON).
  void hint(std::string_view m) const { write(Level::notice, "hint", m); }

  const std::string& tool() const { return tool_; }

 private:
  void write(Level l, const char* label, std::string_view message) const;
  std::string tool_;
  Format format_;
  bool journal_;
  FILE* out_;
  Level threshold_ = Level::info;
};

const char* level_name(Level l);

}  // namespace base
}  // namespace mtec
