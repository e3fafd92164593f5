// Escaping for text log lines: values from outside (payloads, topics,
// device strings, file contents) can neither start a new line, carry
// terminal escapes nor flood a log. Generic: no domain knowledge.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

// `s` as it may stand in a text log line: backslash as `\\`; `\n`, `\r`,
// `\t` as such; other control bytes (below 0x20, 0x7f) and bytes that are
// no valid UTF-8 as `\xNN`; the C1 controls, line/paragraph separators and
// bidirectional overrides (valid UTF-8, but invisible or line-breaking) as
// `\uNNNN`. The escaping is unambiguous: every backslash in the result
// starts an escape. When the escaped text would exceed `max` bytes, it is
// cut before (never inside) an escape or character and `... (N bytes)`
// follows, N being the size of `s`.
std::string untrusted(std::string_view s, size_t max = 120);

// The defence in depth of the text Logger: every control byte of a whole
// message (below 0x20, 0x7f) as `\n`, `\r`, `\t` or `\xNN`; all else,
// backslashes included, as it is (so an untrusted() part is not escaped
// twice). The result never holds a byte below 0x20.
std::string escape_controls(std::string_view s);

// escape_controls(s), cut after `max` bytes (before a character or escape,
// then `... (N bytes)`): the Logger's bound on a whole text message.
std::string escape_controls(std::string_view s, size_t max);

}  // namespace base
}  // namespace mtec
