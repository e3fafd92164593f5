// Adding calculated values to frames, from the catalog's formulas.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

class Calculator {
 public:
  explicit Calculator(const Catalog& catalog);
  // Adds to `frame["values"]` every calculated value of the frame's group
  // whose inputs are all present, in dependency order; a value with a missing
  // input or a failing evaluation is left out and noted under "errors".
  // `frame` must be an object with a string "group" and an object "values".
  // Returns the keys it added to "values", in order, when that is all it
  // changed (nothing replaced, erased or noted); nullopt otherwise.
  std::optional<std::vector<std::string>> apply(Json& frame) const;

 private:
  std::map<Group, std::vector<const Derived*>> by_group_;
};

// The line of `frame` after apply() added `added` to the frame parsed from
// `line`: `line` itself with the added values spliced in before the end of
// "values" where that is exact ("values" the frame's last member, no repeated
// top-level key, nothing around the object but whitespace; the line keeps its
// bytes, and a frame with nothing to add is not written again);
// frame_line(frame) otherwise.
std::string line_with_added(const std::string& line, const Json& frame,
                            const std::optional<std::vector<std::string>>& added);

}  // namespace inverter
}  // namespace mtec
