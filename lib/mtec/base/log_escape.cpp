#include "mtec/base/log_escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "mtec/base/utf8.hpp"

namespace mtec {
inline namespace base {

namespace {

// The escape of the control byte `c`: "\n", "\r", "\t" or "\xNN".
void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: out += fmt::format("\\x{:02x}", c); return;
  }
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Code points that are valid UTF-8 but control a terminal or the layout:
// C1 controls (U+0085 is a line break, U+009B a CSI), the line and
// paragraph separators, and the bidirectional embeddings and isolates.
bool is_invisible_control(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string untrusted(std::string_view s, size_t max) {
  std::string out;
  out.reserve(s.size() < max ? s.size() + 8 : max + 24);
  std::string piece;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t used = 1;
    piece.clear();
    if (c == '\\') {
      piece = "\\\\";
    } else if (is_control(c)) {
      append_control(piece, c);
    } else if (c < 0x80) {
      piece.assign(1, static_cast<char>(c));
    } else {
      uint32_t cp = 0;
      const size_t n = utf8_sequence(s, i, cp);
      if (n == 0) {
        piece = fmt::format("\\x{:02x}", c);
      } else {
        used = n;
        if (is_invisible_control(cp))
          piece = fmt::format("\\u{:04x}", cp);
        else
          piece.assign(s.substr(i, n));
      }
    }
    if (out.size() + piece.size() > max) {
      out += fmt::format("... ({} bytes)", s.size());
      return out;
    }
    out += piece;
    i += used;
  }
  return out;
}

std::string escape_controls(std::string_view s) { return escape_controls(s, std::string::npos); }

std::string escape_controls(std::string_view s, size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t before = out.size();
    if (is_control(c))
      append_control(out, c);
    else
      out += static_cast<char>(c);
    // cut before the piece that would cross the bound, never inside a
    // UTF-8 sequence (a continuation byte belongs to the character before)
    if (out.size() > max) {
      out.resize(before);
      size_t j = i;
      while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && out.size() > 0) {
        --j;
        out.pop_back();
      }
      out += fmt::format("... ({} bytes)", s.size());
      return out;
    }
  }
  return out;
}

}  // namespace base
}  // namespace mtec
