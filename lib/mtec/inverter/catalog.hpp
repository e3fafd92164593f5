// The register catalog (registers/registers.yaml): loading and validation.
//
// Domain code. The catalog is validated completely on load; any problem is an
// Error of class config whose message names file:line:column and the entry.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtec/inverter/formula.hpp"
#include "mtec/inverter/group.hpp"

namespace YAML {
class Node;
}

namespace mtec {
inline namespace inverter {

// --- Interface ---

// Register data types of the catalog.
enum class RegType { u16, i16, u32, i32, str, byte, bit, dat };

// Catalog spelling of `t` ("U16", ...).
const char* type_name(RegType t);

// The integer range of a numeric type's raw value (the one-word range for the others).
std::pair<double, double> raw_range(RegType t);

// The serial number's register: its value names every topic.
inline constexpr uint16_t kSerialAddress = 10000;

// Where an entry was defined, for messages.
struct SourcePos {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based

  bool operator==(const SourcePos&) const = default;
};

// One catalog entry: a Modbus register (numeric key) or a calculated value.
struct Register {
  std::string key;                  // top-level catalog key ("11000", "consumption")
  std::optional<uint16_t> address;  // set for Modbus registers
  std::string name;
  RegType type = RegType::u16;  // meaningful only with an address
  int length = 0;               // words
  int scale = 1;
  std::string unit;
  std::string mqtt;
  Group group = Group::now_base;
  bool writable = false;
  std::optional<double> min, max;  // user units, inclusive (writable registers)
  std::string formula;             // calculated entries only
  SourcePos formula_pos;           // where the formula text starts
  std::string hass_component_type, hass_device_class, hass_value_template, hass_state_class,
      hass_payload_on, hass_payload_off;
  std::vector<std::pair<int64_t, std::string>> value_items;  // catalog order
  SourcePos pos;

  bool is_calculated() const { return !address.has_value(); }
  bool is_numeric_type() const;  // U16/I16/U32/I32
  // Whether the legacy would send Home Assistant discovery for this entry.
  bool has_discovery() const;
  // "file:line:column: register 'key'" for error messages.
  std::string where() const;

  bool operator==(const Register&) const = default;
};

// A calculated entry with its parsed formula and its inputs.
struct Derived {
  const Register* reg = nullptr;
  Formula formula;
  std::vector<const Register*> inputs;  // registers or other calculated entries
};

class Catalog {
 public:
  // Load and validate `path`. Throws Error(no_input) when the file cannot be
  // read, Error(config) for every invalid content.
  static Catalog load(const std::string& path);
  // Parse and validate YAML text; `file` is used in messages.
  static Catalog parse(const std::string& text, const std::string& file);
  // The catalog of entries read and validated already (the generated
  // built-in one): indexed, checked for duplicate mqtt keys and overlapping
  // addresses and its formulas compiled, as parse() does after reading.
  static Catalog from_entries(std::vector<Register> entries, const std::string& file);

  // Add the entries of an overlay file (calculated entries with formulas,
  // or more registers) and validate everything again. Error(config) /
  // Error(no_input) as for load().
  void add_overlay(const std::string& path);
  void add_overlay_text(const std::string& text, const std::string& file);

  const std::deque<Register>& entries() const { return entries_; }
  // Calculated entries in dependency order (inputs before users).
  const std::vector<Derived>& derived() const { return derived_; }
  const std::string& file() const { return file_; }

  // Lookup by mqtt key, catalog key, decimal address or name; nullptr if none.
  const Register* find(const std::string& what) const;
  const Register* by_mqtt(const std::string& mqtt) const;
  const Register* by_address(uint16_t address) const;

  // Entries of `group` in catalog order.
  std::vector<const Register*> group(Group g) const;

 private:
  void add_entries(const std::string& text, const std::string& file);
  void add_entries(const YAML::Node& root, const std::string& file);
  void add_entry(Register r);
  void compile_formulas();

  std::string file_;
  std::deque<Register> entries_;
  std::vector<Derived> derived_;
  std::map<std::string, size_t> by_mqtt_;
  std::map<uint16_t, size_t> by_address_;
};

// registers/registers.yaml as it was at build time: generated source that
// constructs the entries the YAML loader read and validated then
// (lib/gen/catalog_gen.cpp), so a tool using it parses no YAML.
Catalog builtin_catalog();
// The name errors give the built-in catalog in place of a file name.
inline constexpr const char* kBuiltinCatalogName = "registers.yaml (built in)";

// The catalog a tool uses: FILE (--registers) when given, else
// $MTEC_REGISTERS when set, else the built-in one.
Catalog load_catalog(const std::optional<std::string>& file);

}  // namespace inverter
}  // namespace mtec
