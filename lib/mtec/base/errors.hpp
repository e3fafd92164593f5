// Typed errors of the toolkit and the one place that maps them to exit codes.
//
// Policy: library code throws mtec::Error with the class that describes the
// failure; every tool's main() catches mtec::Error once, prints
// "<tool>: error: <message>" and exits with exit_code(class). Bugs (broken
// invariants) are ErrorClass::software. Nothing else is caught wholesale.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

// The error classes of mtec(7) ("Exit codes"); the value is the sysexits.h exit code.
enum class ErrorClass : int {
  usage = 64,        // EX_USAGE: bad command line
  data = 65,         // EX_DATAERR: bad input data
  no_input = 66,     // EX_NOINPUT: a named input file is missing or unreadable
  unavailable = 69,  // EX_UNAVAILABLE: peer unreachable or exception reply
  software = 70,     // EX_SOFTWARE: a bug
  cant_create = 73,  // EX_CANTCREAT: a file of ours cannot be created (something else is there)
  io = 74,           // EX_IOERR: local I/O error
  temp_fail = 75,    // EX_TEMPFAIL: timeout or other transient failure
  protocol = 76,     // EX_PROTOCOL: the peer answered, but not as required
  no_perm = 77,      // EX_NOPERM: refused (read-only register, auth failed)
  config = 78,       // EX_CONFIG: invalid config file or register catalog
};

// The exit code of `cls` (its sysexits value).
constexpr int exit_code(ErrorClass cls) { return static_cast<int>(cls); }

// Every class, in exit-code order (for tables and tests).
inline constexpr ErrorClass kAllErrorClasses[] = {
    ErrorClass::usage,    ErrorClass::data,        ErrorClass::no_input, ErrorClass::unavailable,
    ErrorClass::software, ErrorClass::cant_create, ErrorClass::io,       ErrorClass::temp_fail,
    ErrorClass::protocol, ErrorClass::no_perm,     ErrorClass::config};

// Whether running the same command again, unchanged, cannot succeed: the
// command line, the input, a missing file, a refused login or the config
// has to change first. The systemd units' RestartPreventExitStatus= lists
// exactly these codes (a unit test checks it).
constexpr bool restart_cannot_fix(ErrorClass cls) {
  switch (cls) {
    case ErrorClass::usage:
    case ErrorClass::data:
    case ErrorClass::no_input:
    case ErrorClass::cant_create:
    case ErrorClass::no_perm:
    case ErrorClass::config: return true;
    default: return false;
  }
}

// Short stable name of `cls` ("unavailable", "timeout", ...) for frames,
// control replies and logs: a wire name.
std::string_view class_name(ErrorClass cls);
// The class whose class_name() is exactly `name`; nullopt for any other text.
std::optional<ErrorClass> parse_class_name(std::string_view name);

// An error with its class. what() is the complete, user-facing message.
class Error : public std::runtime_error {
 public:
  Error(ErrorClass cls, const std::string& message) : std::runtime_error(message), cls_(cls) {}
  ErrorClass cls() const { return cls_; }
  // What the user could check or do, printed after the error ("" if nothing specific).
  const std::string& hint() const { return hint_; }
  void set_hint(std::string hint) { hint_ = std::move(hint); }

 private:
  ErrorClass cls_;
  std::string hint_;
};

}  // namespace base
}  // namespace mtec
