// A frame line as mtec-calc and mtec-publish read it: parsed, checked, its
// values converted and the built-in catalog's formulas applied.
#include <cstdint>
#include <string>

#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mtec::Catalog catalog = mtec::load_catalog(std::nullopt);
  static const mtec::Calculator calc(catalog);
  const std::string line(reinterpret_cast<const char*>(data), size);
  mtec::Json frame;
  if (!mtec::parse_frame(line, frame).empty()) return 0;
  for (const auto& [key, v] : frame["values"].items()) (void)mtec::value_from_json(v);
  calc.apply(frame);
  (void)frame.dump(-1, ' ', false, mtec::Json::error_handler_t::replace);
  return 0;
}
