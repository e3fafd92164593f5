#include "mtec/base/stop_signals.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

StopSignals::StopSignals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  fd_ = ::signalfd(-1, &mask, SFD_CLOEXEC);
  if (fd_ < 0) {
    throw Error(ErrorClass::software, fmt::format("signalfd: {}", std::strerror(errno)));
  }
}

StopSignals::~StopSignals() { ::close(fd_); }

bool StopSignals::pending() const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace base
}  // namespace mtec
