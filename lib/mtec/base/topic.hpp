// MQTT topic rules. Generic: no domain knowledge.
#pragma once

#include <string_view>

namespace mtec {
inline namespace base {

// --- Interface ---

// Whether `s` can be one level of a topic: a serial number or an mqtt key
// becomes one, and both may come from a device we do not control. Not
// empty, valid UTF-8, no '/', '+', '#' and no control character (U+0000..
// U+001F, U+007F..U+009F: a broker refuses them, and a log would carry them).
bool valid_topic_level(std::string_view s);

}  // namespace base
}  // namespace mtec
