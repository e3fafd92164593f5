// UTF-8 validation. Generic: no domain knowledge.
#pragma once

#include <string_view>

namespace mtec {

// --- Interface ---

// Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace mtec
