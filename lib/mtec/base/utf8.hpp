// UTF-8 validation. Generic: no domain knowledge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

// Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points
// above U+10FFFF).
bool valid_utf8(std::string_view s);

// The length (2..4) of the valid multi-byte UTF-8 sequence at `s[i]`, with
// its code point in `cp`; 0 when the bytes there are no valid sequence (an
// ASCII byte included).
size_t utf8_sequence(std::string_view s, size_t i, uint32_t& cp);

}  // namespace base
}  // namespace mtec
