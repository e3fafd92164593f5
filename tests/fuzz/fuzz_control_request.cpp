// A line on mtec-read's control socket: a checked request or a reason.
#include <cstdint>
#include <string_view>

#include "mtec/control/control.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto r = mtec::control::parse_control_request(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (const auto* req = std::get_if<mtec::control::ControlRequest>(&r)) {
    if (req->op == mtec::control::ControlRequest::Op::write &&
        (req->words.empty() || req->words.size() > 123 || req->count != req->words.size()))
      __builtin_trap();
    if (req->count < 1 || req->count > 125) __builtin_trap();
  }
  return 0;
}
