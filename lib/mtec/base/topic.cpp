#include "mtec/base/topic.hpp"

#include "mtec/base/utf8.hpp"

namespace mtec {
inline namespace base {

bool valid_topic_level(std::string_view s) {
  if (s.empty() || !valid_utf8(s)) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '/' || c == '+' || c == '#' || c < 0x20 || c == 0x7f) return false;
    // U+0080..U+009F (valid UTF-8: C2 80..C2 9F) are control characters too
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return false;
  }
  return true;
}

}  // namespace base
}  // namespace mtec
