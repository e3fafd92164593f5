// A register catalog: every problem is an mtec::Error naming file:line,
// never anything else. (Overlays go through the same loader.)
#include <cstdint>
#include <string>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)mtec::Catalog::parse(text, "fuzz.yaml");
  } catch (const mtec::Error&) {
  }
  return 0;
}
