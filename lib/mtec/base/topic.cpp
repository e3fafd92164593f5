#include "mtec/base/topic.hpp"

#include "mtec/base/utf8.hpp"

namespace mtec {

bool valid_topic_level(std::string_view s) {
  if (s.empty() || !valid_utf8(s)) return false;
  for (const char c : s)
    if (c == '/' || c == '+' || c == '#' || c == '\0') return false;
  return true;
}

}  // namespace mtec
