// Access to the contract's golden fixtures and the project's catalog in tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mtec/inverter/catalog.hpp"

namespace mtec::test {

// tests/contract/golden (or $MTEC_GOLDEN_DIR).
std::string golden_dir();
// Parsed fixture file `name` (e.g. "case_A.json") of golden_dir().
const nlohmann::json& golden(const std::string& name);
// Every case_*.json of golden_dir(), sorted.
std::vector<std::string> golden_cases();
// registers/registers.yaml of this source tree, loaded once.
const Catalog& project_catalog();
// Words of a JSON array.
std::vector<uint16_t> words_of(const nlohmann::json& array);

}  // namespace mtec::test
