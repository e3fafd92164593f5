// What every tool's main() shares: one error handler that maps the typed
// errors to exit codes, and the common option vocabulary (tools/OPTIONS.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "mtec/base/log.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

// Runs `body` with SIGPIPE ignored and maps what it throws: mtec::Error -> "<tool>: error: ..." and
// exit_code(class); CLI11 parse errors -> 64 (--help/--version -> 0);
// std::bad_alloc -> 70; any other std::exception -> 70 "internal error: ..."
// (a bug, reported as one: never a signal, never a silent success).
// The error line follows --log-format json and JOURNAL_STREAM like every log
// line (argv is looked at for the former).
int run_main(const std::string& tool, int argc, char** argv, const std::function<int()>& body);

// Parse argv with CLI11 inside run_main (throws CLI::ParseError upward).
void parse_args(CLI::App& app, int argc, char** argv);

// --version text: "<tool> (mtec-tools) X.Y.Z", with "+git.<describe>" when
// built from a git checkout (tools_version(), generated at build time).
std::string version_string(const std::string& tool);
const char* tools_version();

// -v/-q/--log-format options applied to `log` after parsing.
struct LogOptions {
  int verbose = 0;
  int quiet = 0;
  std::string format = "text";
  void add_to(CLI::App& app);
  void apply(Logger& log) const;
};

// The start every tool's main() shares: the CLI11 app with its description
// and --version, and (unless Logging::none) -v/-q/--log-format, which come
// last in --help; parse() parses argv and returns the tool's logger.
class ToolCli {
 public:
  enum class Logging { options, none };
  ToolCli(std::string tool, const std::string& description, Logging logging = Logging::options);
  CLI::App app;
  LogOptions log_options;
  // Throws CLI11's errors (run_main turns them into exit codes).
  Logger parse(int argc, char** argv);

 private:
  std::string tool_;
  bool logging_;
};

}  // namespace base
}  // namespace mtec
