// systemd's notify protocol (sd_notify(3)) without libsystemd: one datagram
// to $NOTIFY_SOCKET. Does nothing when not run by systemd.
#pragma once

#include <string>

namespace mtec {
inline namespace base {

// --- Interface ---

// Sends `state` ("READY=1", "WATCHDOG=1", "STATUS=...") if NOTIFY_SOCKET is
// set; returns whether it was sent.
bool sd_notify(const std::string& state);

}  // namespace base
}  // namespace mtec
