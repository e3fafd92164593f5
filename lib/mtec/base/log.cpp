#include "mtec/base/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "mtec/base/log_escape.hpp"

namespace mtec {
inline namespace base {

namespace {

// The longest text message: outside values are cut much shorter already
// (untrusted()); this bounds whatever a message holds.
constexpr size_t kMaxTextMessage = 4096;

}  // namespace

const char* level_name(Level l) {
  switch (l) {
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::notice: return "notice";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "?";
}

Logger Logger::for_tool(std::string tool) {
  const char* js = std::getenv("JOURNAL_STREAM");
  return Logger(std::move(tool), Format::text, js && *js);
}

void Logger::log(Level l, std::string_view message) const { write(l, level_name(l), message); }

void Logger::write(Level l, const char* label, std::string_view message) const {
  if (!enabled(l)) return;
  std::string line;
  if (format_ == Format::json) {
    const auto now = std::chrono::system_clock::now();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    nlohmann::json j;
    j["time"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(secs), ms % 1000);
    j["level"] = label;
    j["tool"] = tool_;
    j["message"] = std::string(message);
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    // defence in depth: whatever a message holds, it stays one line without
    // terminal escapes (a "\n<0>..." cannot forge a journal entry)
    line = fmt::format("{}: {}: {}", tool_, label, escape_controls(message, kMaxTextMessage));
  }
  if (journal_) line = fmt::format("<{}>{}", static_cast<int>(l), line);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace base
}  // namespace mtec
