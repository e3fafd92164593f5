// Log escaping: an outside value through untrusted() and a whole message
// through the text Logger (journald prefixes on). No output byte below 0x20
// but the newline that ends the line, no DEL, the value bounded, valid UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mtec/base/log.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string value = mtec::untrusted(input);
  if (value.size() > 120 + 24 || !mtec::valid_utf8(value)) __builtin_trap();
  for (const char c : value)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();

  char* buf = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&buf, &len);
  if (!out) return 0;
  {
    const mtec::Logger log("mtec-fuzz", mtec::Logger::Format::text, true, out);
    log.warn(input);
    log.warn("value " + value);
  }
  std::fclose(out);
  const std::string text(buf, len);
  std::free(buf);
  // two lines, each "<4>mtec-fuzz: warning: ..." ending in its newline
  size_t start = 0;
  for (int line = 0; line < 2; ++line) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos || text.compare(start, 3, "<4>") != 0) __builtin_trap();
    for (size_t i = start; i < nl; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c == 0x7f) __builtin_trap();
    }
    start = nl + 1;
  }
  if (start != text.size()) __builtin_trap();
  return 0;
}
