// Adding calculated values to frames, from the catalog's formulas.
#pragma once

#include <map>
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
  void apply(Json& frame) const;

 private:
  std::map<Group, std::vector<const Derived*>> by_group_;
};

}  // namespace inverter
}  // namespace mtec
