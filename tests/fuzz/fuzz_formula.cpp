// The formula language: parse, then evaluate with every name bound to a
// value chosen by the input (int, float, string or missing).
#include <cstdint>
#include <string>

#include "mtec/inverter/formula.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t kind = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const mtec::Formula f = mtec::Formula::parse(text);
    const mtec::Value values[] = {mtec::Value{int64_t{7}}, mtec::Value{-2.5},
                                  mtec::Value{std::string("on")}, mtec::Value{int64_t{0}}};
    (void)f.eval(
        [&](const std::string& name) -> const mtec::Value* {
          const size_t i = (name.size() + kind) % 5;
          return i < 4 ? &values[i] : nullptr;
        },
        kind & 1 ? std::optional<std::string>("2026-12-01 10:00:00") : std::nullopt);
  } catch (const mtec::FormulaError&) {
  }
  return 0;
}
