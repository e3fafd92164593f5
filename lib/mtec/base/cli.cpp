#include "mtec/base/cli.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

namespace {

bool wants_json_logs(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--log-format=json" ||
        (a == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json"))
      return true;
  }
  return false;
}

}  // namespace

namespace {

// A stage of mtec2mqtt ($MTEC_SUPERVISOR_PID) ends with its supervisor
// however that ends (SIGKILL included): the kernel sends SIGTERM when the
// parent goes, which the tool's StopSignals turns into a clean stop. False
// when the supervisor is gone already.
bool follow_supervisor() {
  const char* pid = std::getenv("MTEC_SUPERVISOR_PID");
  if (!pid || !*pid) return true;
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  return std::to_string(::getppid()) == pid;  // checked after: no window
}

}  // namespace

int run_main(const std::string& tool, int argc, char** argv, const std::function<int()>& body) {
  // a reader that goes away is EPIPE on write (LineWriter ends quietly), never a signal
  ::signal(SIGPIPE, SIG_IGN);
  Logger log = Logger::for_tool(tool);
  if (!follow_supervisor()) {
    log.notice("mtec2mqtt is gone: not starting");
    return 0;
  }
  if (wants_json_logs(argc, argv)) log.set_format(Logger::Format::json);
  try {
    return body();
  } catch (const CLI::Success&) {
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: error: %s\nTry '%s --help' for more information.\n", tool.c_str(),
                 e.what(), tool.c_str());
    return exit_code(ErrorClass::usage);
  } catch (const Error& e) {
    log.error(e.what());
    if (!e.hint().empty()) log.hint(e.hint());
    return exit_code(e.cls());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: error: out of memory\n", tool.c_str());
    return exit_code(ErrorClass::software);
  } catch (const std::exception& e) {
    // A third-party exception that no boundary converted: a bug, reported
    // as one (never a signal), so that it gets fixed where it came from.
    log.error(std::string("internal error: ") + e.what());
    return exit_code(ErrorClass::software);
  }
}

void parse_args(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    throw CLI::Success();
  } catch (const CLI::CallForVersion& e) {
    std::puts(e.what());
    throw CLI::Success();
  }
}

std::string version_string(const std::string& tool) {
  return fmt::format("{} (mtec-tools) {}", tool, tools_version());
}

ToolCli::ToolCli(std::string tool, const std::string& description, Logging logging)
    : app(description), tool_(std::move(tool)), logging_(logging == Logging::options) {
  app.set_version_flag("--version", version_string(tool_));
}

Logger ToolCli::parse(int argc, char** argv) {
  if (logging_) log_options.add_to(app);
  parse_args(app, argc, argv);
  Logger log = Logger::for_tool(tool_);
  if (logging_) log_options.apply(log);
  return log;
}

void LogOptions::add_to(CLI::App& app) {
  app.add_flag("-v,--verbose", verbose, "More log output (repeatable)");
  app.add_flag("-q,--quiet", quiet, "Less log output (repeatable)");
  app.add_option("--log-format", format, "Log line format")
      ->check(CLI::IsMember({"text", "json"}))
      ->option_text("text|json");
}

void LogOptions::apply(Logger& log) const {
  int level = static_cast<int>(Level::notice) + verbose - quiet;
  if (level < static_cast<int>(Level::error)) level = static_cast<int>(Level::error);
  if (level > static_cast<int>(Level::debug)) level = static_cast<int>(Level::debug);
  log.set_threshold(static_cast<Level>(level));
  log.set_format(format == "json" ? Logger::Format::json : Logger::Format::text);
}

}  // namespace base
}  // namespace mtec
