#include "golden.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace mtec::test {

std::string golden_dir() {
  if (const char* d = std::getenv("MTEC_GOLDEN_DIR"); d && *d) return d;
  return MTEC_GOLDEN_DIR;
}

const nlohmann::json& golden(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  const std::string path = golden_dir() + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read golden fixture " + path);
  return cache[name] = nlohmann::json::parse(in);
}

std::vector<std::string> golden_cases() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(golden_dir())) {
    const std::string n = e.path().filename().string();
    if (n.rfind("case_", 0) == 0 && e.path().extension() == ".json") out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Catalog& project_catalog() {
  static const Catalog c =
      Catalog::load(std::string(MTEC_SOURCE_DIR) + "/registers/registers.yaml");
  return c;
}

std::vector<uint16_t> words_of(const nlohmann::json& array) {
  std::vector<uint16_t> w;
  for (const auto& x : array) w.push_back(x.get<uint16_t>());
  return w;
}

}  // namespace mtec::test
