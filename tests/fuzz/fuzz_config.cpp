// A config.yaml: loaded, validated into settings and described.
#include <cstdint>
#include <string>

#include "mtec/base/errors.hpp"
#include "mtec/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const mtec::EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  try {
    const mtec::Config c = mtec::Config::parse(text, "config.yaml", no_env);
    (void)c.describe();
    (void)c.settings();
  } catch (const mtec::Error&) {
  }
  return 0;
}
