// What to check when the broker cannot be reached: the hint line printed
// after the first "broker ... unreachable" warning (Logger::hint), and after
// a connection that failed before the broker accepted it.
#pragma once

#include <string>

namespace mtec::mqtt {

// --- Interface ---

// For a failed TCP connect to host:port; `why` is the error text
// (strerror or libmosquitto's), `tls` whether --cafile/--capath are given.
std::string broker_unreachable_hint(const std::string& host, int port, bool tls,
                                    const std::string& why);

// For a connection that the TCP connect opened but that failed before the
// broker's CONNACK (garbage, a TLS port, a failed TLS handshake, no CONNACK
// in time); `tls_reply` whether the peer's first byte was a TLS record's.
// Empty when there is nothing to add.
std::string before_connack_hint(const std::string& host, int port, bool tls, bool tls_reply,
                                const std::string& why);

}  // namespace mtec::mqtt
