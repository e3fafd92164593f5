// What to check when the broker cannot be reached: the hint line printed
// after the first "broker ... unreachable" warning (Logger::hint).
#pragma once

#include <string>

namespace mtec {

// --- Interface ---

// For a failed TCP connect to host:port; `why` is the error text
// (strerror or libmosquitto's), `tls` whether --cafile/--capath are given.
std::string broker_unreachable_hint(const std::string& host, int port, bool tls,
                                    const std::string& why);

}  // namespace mtec
