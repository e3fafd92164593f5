// "Did you mean ...?" for misspelt names. Generic: no domain knowledge.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mtec {
inline namespace base {

// --- Interface ---

// The candidate nearest to `name` by edit distance (letters compared without
// case), if it is near enough to be a likely misspelling: at most a third of
// the name's length in edits (at least two: a swap of two letters).
std::optional<std::string> nearest_name(const std::string& name,
                                        const std::vector<std::string>& candidates);

// "; did you mean X?" or "" — for the end of an error message.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace base
}  // namespace mtec
