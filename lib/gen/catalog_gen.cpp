// mtec_catalog_gen: the built-in register catalog, generated at build time.
//
//   mtec_catalog_gen registers/registers.yaml OUT.cpp
//
// Loads and validates the YAML with the library's own loader (the same rules
// and file:line:column errors as --registers; an invalid catalog fails the
// build), then writes OUT.cpp, whose mtec::builtin_catalog() constructs the
// entries it read, so a tool using the built-in catalog parses no YAML. The
// positions keep their lines and columns and name kBuiltinCatalogName, as
// parsing the embedded text did.
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/catalog.hpp"

namespace mtec {
inline namespace inverter {

// The generator has no built-in catalog: it makes it. (The library's
// load_catalog() refers to this; the generator never calls it.)
Catalog builtin_catalog() {
  throw Error(ErrorClass::software, "mtec_catalog_gen has no built-in catalog");
}

}  // namespace inverter
}  // namespace mtec

namespace {

// A C++ string literal of `s`: printable ASCII as is, every other byte as a
// three-digit octal escape (which cannot run into the next character).
std::string literal(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f || c == '?') {  // '?': no trigraphs
      out += fmt::format("\\{:03o}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A double literal that reads back as the same double.
std::string number(double v) { return fmt::format("{:a}", v); }

const char* type_enumerator(mtec::RegType t) {
  switch (t) {
    case mtec::RegType::u16: return "RegType::u16";
    case mtec::RegType::i16: return "RegType::i16";
    case mtec::RegType::u32: return "RegType::u32";
    case mtec::RegType::i32: return "RegType::i32";
    case mtec::RegType::str: return "RegType::str";
    case mtec::RegType::byte: return "RegType::byte";
    case mtec::RegType::bit: return "RegType::bit";
    case mtec::RegType::dat: return "RegType::dat";
  }
  throw mtec::Error(mtec::ErrorClass::software, "unknown register type");
}

// The group as an element of kAllGroups, its wire name beside it.
std::string group_element(mtec::Group g) {
  return fmt::format("kAllGroups[{}] /* {} */", static_cast<int>(g), mtec::group_name(g));
}

std::string generate(const mtec::Catalog& catalog, const std::string& source_name) {
  std::string items, entries;
  size_t n_items = 0;
  for (const mtec::Register& r : catalog.entries()) {
    const size_t first = n_items;
    for (const auto& [code, label] : r.value_items) {
      items += fmt::format("    {{{}LL, {}}},\n", code, literal(label));
      ++n_items;
    }
    entries += fmt::format(
        "    {{{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, "
        "{}, {}, {}, {}, {}, {}, {}}},\n",
        literal(r.key), r.address ? static_cast<int>(*r.address) : -1, literal(r.name),
        type_enumerator(r.type), r.length, r.scale, literal(r.unit), literal(r.mqtt),
        group_element(r.group), r.writable, r.min.has_value(), number(r.min.value_or(0)),
        r.max.has_value(), number(r.max.value_or(0)), literal(r.formula), r.formula_pos.line,
        r.formula_pos.column, literal(r.hass_component_type), literal(r.hass_device_class),
        literal(r.hass_value_template), literal(r.hass_state_class), literal(r.hass_payload_on),
        literal(r.hass_payload_off), first, n_items - first, r.pos.line, r.pos.column);
  }
  return fmt::format(
      R"(// Generated from {} by mtec_catalog_gen (lib/gen/catalog_gen.cpp); do not edit.
// clang-format off
#include <iterator>
#include <utility>

#include "mtec/inverter/catalog.hpp"

namespace mtec::inline inverter {{
namespace {{

struct Item {{
  long long code;
  const char* label;
}};

struct Entry {{
  const char* key;
  int address;  // -1: a calculated entry
  const char* name;
  RegType type;
  int length, scale;
  const char *unit, *mqtt;
  Group group;
  bool writable, has_min;
  double min;
  bool has_max;
  double max;
  const char* formula;
  int formula_line, formula_column;  // 0: no formula key
  const char *hass_component_type, *hass_device_class, *hass_value_template, *hass_state_class,
      *hass_payload_on, *hass_payload_off;
  unsigned items_first, items_count;
  int line, column;
}};

constexpr Item kItems[] = {{
{}    {{0, nullptr}}}};

constexpr Entry kEntries[] = {{
{}}};

}}  // namespace

Catalog builtin_catalog() {{
  std::vector<Register> entries;
  entries.reserve(std::size(kEntries));
  for (const Entry& e : kEntries) {{
    Register r;
    r.key = e.key;
    if (e.address >= 0) r.address = static_cast<uint16_t>(e.address);
    r.name = e.name;
    r.type = e.type;
    r.length = e.length;
    r.scale = e.scale;
    r.unit = e.unit;
    r.mqtt = e.mqtt;
    r.group = e.group;
    r.writable = e.writable;
    if (e.has_min) r.min = e.min;
    if (e.has_max) r.max = e.max;
    r.formula = e.formula;
    if (e.formula_line > 0) r.formula_pos = SourcePos{{kBuiltinCatalogName, e.formula_line, e.formula_column}};
    r.hass_component_type = e.hass_component_type;
    r.hass_device_class = e.hass_device_class;
    r.hass_value_template = e.hass_value_template;
    r.hass_state_class = e.hass_state_class;
    r.hass_payload_on = e.hass_payload_on;
    r.hass_payload_off = e.hass_payload_off;
    r.value_items.reserve(e.items_count);
    for (unsigned i = e.items_first; i < e.items_first + e.items_count; ++i)
      r.value_items.emplace_back(kItems[i].code, kItems[i].label);
    r.pos = SourcePos{{kBuiltinCatalogName, e.line, e.column}};
    entries.push_back(std::move(r));
  }}
  return Catalog::from_entries(std::move(entries), kBuiltinCatalogName);
}}

}}  // namespace mtec::inline inverter
)",
      source_name, items, entries);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: mtec_catalog_gen REGISTERS.yaml OUT.cpp\n";
    return 64;
  }
  try {
    const std::string input = argv[1];
    const mtec::Catalog catalog = mtec::Catalog::load(input);
    const std::string name = input.substr(input.find_last_of('/') + 1);
    const std::string out = argv[2];
    const std::string tmp = out + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << generate(catalog, name);
      if (!f.flush()) throw mtec::Error(mtec::ErrorClass::io, "cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), out.c_str()) != 0)
      throw mtec::Error(mtec::ErrorClass::io, "cannot rename " + tmp + " to " + out);
  } catch (const std::exception& e) {
    std::cerr << "mtec_catalog_gen: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
