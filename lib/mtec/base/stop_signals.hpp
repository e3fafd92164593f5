// SIGTERM and SIGINT as a file descriptor: while a StopSignals lives, both
// are blocked and its fd() becomes readable when one arrives, so a tool's
// poll loop (or a Modbus wait) ends cleanly instead of dying mid-write.
#pragma once

#include <signal.h>

namespace mtec {
inline namespace base {

// --- Interface ---

class StopSignals {
 public:
  // Blocks SIGTERM and SIGINT (before any thread starts) and opens the
  // signalfd; throws Error(software) if the kernel refuses.
  StopSignals();
  // Closes the fd. The signals stay blocked: a stop that arrives while the
  // tool winds down must not kill it (exit 0 after SIGTERM, not 143).
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  int fd() const { return fd_; }
  // Whether a stop signal is pending (without consuming it).
  bool pending() const;

 private:
  int fd_ = -1;
};

}  // namespace base
}  // namespace mtec
