#include "mtec/inverter/catalog.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "mtec/base/errors.hpp"
#include "mtec/base/yaml_load.hpp"

namespace mtec {
inline namespace inverter {

const char* type_name(RegType t) {
  switch (t) {
    case RegType::u16: return "U16";
    case RegType::i16: return "I16";
    case RegType::u32: return "U32";
    case RegType::i32: return "I32";
    case RegType::str: return "STR";
    case RegType::byte: return "BYTE";
    case RegType::bit: return "BIT";
    case RegType::dat: return "DAT";
  }
  return "?";
}

std::pair<double, double> raw_range(RegType t) {
  switch (t) {
    case RegType::i16: return {-32768, 32767};
    case RegType::u32: return {0, 4294967295.0};
    case RegType::i32: return {-2147483648.0, 2147483647.0};
    default: return {0, 65535};
  }
}

bool Register::is_numeric_type() const {
  return address && (type == RegType::u16 || type == RegType::i16 || type == RegType::u32 ||
                     type == RegType::i32);
}

bool Register::has_discovery() const {
  return !hass_component_type.empty() || !hass_device_class.empty() || !hass_payload_off.empty() ||
         !hass_payload_on.empty() || !hass_state_class.empty() || !value_items.empty() ||
         !hass_value_template.empty();
}

std::string Register::where() const {
  return fmt::format("{}:{}:{}: register '{}'", pos.file, pos.line, pos.column, key);
}

namespace {

struct TypeInfo {
  const char* name;
  RegType type;
  int fixed_length;  // 0: variable
  int max_length;
};

constexpr TypeInfo kTypes[] = {
    {"U16", RegType::u16, 1, 1}, {"I16", RegType::i16, 1, 1},   {"U32", RegType::u32, 2, 2},
    {"I32", RegType::i32, 2, 2}, {"STR", RegType::str, 0, 125}, {"BYTE", RegType::byte, 0, 125},
    {"BIT", RegType::bit, 0, 4}, {"DAT", RegType::dat, 3, 3},
};

const std::set<std::string> kComponents = {"sensor", "binary_sensor", "number", "select", "switch"};

const std::set<std::string> kEntryKeys = {"name",
                                          "length",
                                          "type",
                                          "unit",
                                          "scale",
                                          "writable",
                                          "mqtt",
                                          "group",
                                          "min",
                                          "max",
                                          "formula",
                                          "hass_component_type",
                                          "hass_device_class",
                                          "hass_value_template",
                                          "hass_state_class",
                                          "hass_payload_on",
                                          "hass_payload_off",
                                          "hass_value_items"};

SourcePos pos_of(const std::string& file, const YAML::Mark& m) {
  return SourcePos{file, m.line + 1, m.column + 1};
}

[[noreturn]] void fail_at(const SourcePos& p, const std::string& key, const std::string& what) {
  throw Error(ErrorClass::config,
              fmt::format("{}:{}:{}: register '{}': {}", p.file, p.line, p.column, key, what));
}

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

class EntryReader {
 public:
  EntryReader(const std::string& file, const std::string& key, const YAML::Node& node)
      : file_(file), key_(key), node_(node) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    fail_at(pos_of(file_, at.Mark()), key_, what);
  }

  std::string str(const char* name) const {
    const YAML::Node n = node_[name];
    if (!n) return {};
    if (!n.IsScalar()) fail(n, fmt::format("'{}' must be a scalar", name));
    return n.Scalar();
  }

  std::optional<long long> integer(const char* name) const {
    const YAML::Node n = node_[name];
    if (!n) return std::nullopt;
    long long v = 0;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v))
      fail(n, fmt::format("'{}' must be an integer, got '{}'", name,
                          n.IsScalar() ? n.Scalar() : std::string("(not a scalar)")));
    return v;
  }

  std::optional<double> number(const char* name) const {
    const YAML::Node n = node_[name];
    if (!n) return std::nullopt;
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v))
      fail(n, fmt::format("'{}' must be a number", name));
    return v;
  }

  bool boolean(const char* name) const {
    const YAML::Node n = node_[name];
    if (!n) return false;
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
      fail(n, fmt::format("'{}' must be true or false", name));
    return v;
  }

  const YAML::Node& node() const { return node_; }

 private:
  const std::string& file_;
  const std::string& key_;
  const YAML::Node& node_;
};

Register read_entry(const std::string& file, const std::string& key, const YAML::Node& keynode,
                    const YAML::Node& node) {
  Register r;
  r.key = key;
  r.pos = pos_of(file, keynode.Mark());
  if (!node.IsMap()) fail_at(r.pos, key, "entry must be a mapping");
  EntryReader in(file, key, node);
  for (const auto& kv : node) {
    const std::string k = yaml_key(kv.first, file);
    if (!kEntryKeys.count(k))
      fail_at(pos_of(file, kv.first.Mark()), key, fmt::format("unknown key '{}'", k));
  }
  r.name = in.str("name");
  r.mqtt = in.str("mqtt");
  const std::string group = in.str("group");
  r.unit = in.str("unit");
  r.formula = in.str("formula");
  if (const YAML::Node f = node["formula"]) {
    r.formula_pos = pos_of(file, f.Mark());
    if (f.Tag() == "!") ++r.formula_pos.column;  // quoted: the text starts after the quote
  }
  r.hass_component_type = in.str("hass_component_type");
  r.hass_device_class = in.str("hass_device_class");
  r.hass_value_template = in.str("hass_value_template");
  r.hass_state_class = in.str("hass_state_class");
  r.hass_payload_on = in.str("hass_payload_on");
  r.hass_payload_off = in.str("hass_payload_off");
  r.writable = in.boolean("writable");
  r.min = in.number("min");
  r.max = in.number("max");

  if (r.name.empty()) fail_at(r.pos, key, "missing 'name'");
  if (r.mqtt.empty()) fail_at(r.pos, key, "missing 'mqtt'");
  for (unsigned char c : r.mqtt)
    if (!(std::islower(c) || std::isdigit(c) || c == '_'))
      in.fail(node["mqtt"],
              fmt::format("mqtt key '{}' must be lowercase letters, digits and '_'", r.mqtt));
  if (group.empty()) fail_at(r.pos, key, "missing 'group'");
  if (const auto g = parse_group(group))
    r.group = *g;
  else
    in.fail(node["group"], fmt::format("unknown group '{}'", group));
  if (!r.hass_component_type.empty() && !kComponents.count(r.hass_component_type))
    in.fail(node["hass_component_type"],
            fmt::format("unknown hass_component_type '{}' (sensor, binary_sensor, number, "
                        "select, switch)",
                        r.hass_component_type));

  if (all_digits(key)) {
    const long long addr = std::atoll(key.c_str());
    if (key.size() > 5 || addr > 65535) fail_at(r.pos, key, "address must be 0..65535");
    r.address = static_cast<uint16_t>(addr);
    const std::string t = in.str("type");
    if (t.empty()) fail_at(r.pos, key, "missing 'type'");
    const TypeInfo* info = nullptr;
    for (const auto& ti : kTypes)
      if (t == ti.name) info = &ti;
    if (!info)
      in.fail(node["type"],
              fmt::format("unknown type '{}' (U16, I16, U32, I32, STR, BYTE, BIT, DAT)", t));
    r.type = info->type;
    const auto len = in.integer("length");
    if (!len) fail_at(r.pos, key, "missing 'length'");
    if ((info->fixed_length && *len != info->fixed_length) || *len < 1 || *len > info->max_length)
      in.fail(
          node["length"],
          info->fixed_length
              ? fmt::format("type {} has length {}, not {}", t, info->fixed_length, *len)
              : fmt::format("type {} needs a length of 1..{}, not {}", t, info->max_length, *len));
    if (addr + *len > 65536) in.fail(node["length"], "register runs past address 65535");
    if (info->type == RegType::byte && *len != 1 && *len != 2 && *len != 4)
      in.fail(node["length"], fmt::format("type BYTE needs a length of 1, 2 or 4, not {}", *len));
    r.length = static_cast<int>(*len);
    if (!r.formula.empty()) in.fail(node["formula"], "a Modbus register cannot have a formula");
  } else {
    if (node["type"] || node["length"] || node["scale"])
      fail_at(r.pos, key, "a calculated entry (non-numeric key) has no type, length or scale");
    if (r.formula.empty()) fail_at(r.pos, key, "a calculated entry needs a 'formula'");
    if (r.writable) in.fail(node["writable"], "a calculated entry cannot be writable");
  }

  if (const auto s = in.integer("scale")) {
    if (*s < 1) in.fail(node["scale"], "scale must be an integer >= 1");
    r.scale = static_cast<int>(*s);
  }
  if (r.writable && !r.is_numeric_type())
    in.fail(node["writable"], "only U16, I16, U32 and I32 registers can be writable");
  if ((r.min || r.max) && !r.writable)
    fail_at(r.pos, key, "min/max are only allowed on writable registers");
  if (r.writable) {
    const auto [lo, hi] = raw_range(r.type);
    const double ulo = lo / r.scale, uhi = hi / r.scale;
    if (r.min && (*r.min < ulo || *r.min > uhi))
      in.fail(node["min"],
              fmt::format("min {} is outside the type's range {}..{}", *r.min, ulo, uhi));
    if (r.max && (*r.max < ulo || *r.max > uhi))
      in.fail(node["max"],
              fmt::format("max {} is outside the type's range {}..{}", *r.max, ulo, uhi));
    if (r.min && r.max && *r.min > *r.max) in.fail(node["min"], "min is greater than max");
  }

  if (const YAML::Node items = node["hass_value_items"]) {
    if (!items.IsMap()) in.fail(items, "hass_value_items must be a mapping code: label");
    for (const auto& kv : items) {
      long long code = 0;
      if (!YAML::convert<long long>::decode(kv.first, code))
        fail_at(pos_of(file, kv.first.Mark()), key,
                fmt::format("value item key '{}' is not an integer", kv.first.Scalar()));
      if (!kv.second.IsScalar())
        fail_at(pos_of(file, kv.second.Mark()), key, "value item label must be a string");
      bool fits = false;
      if (r.address && r.type == RegType::bit)
        // a mask of 4 or more words fits any positive code (and 1 << 64 is no number)
        fits = code > 0 && (16 * r.length >= 63 || code < (1LL << (16 * r.length)));
      else if (r.is_numeric_type()) {
        const auto [lo, hi] = raw_range(r.type);
        fits = static_cast<double>(code) >= lo && static_cast<double>(code) <= hi;
      }
      if (!fits)
        fail_at(pos_of(file, kv.first.Mark()), key,
                r.address && r.type == RegType::bit
                    ? fmt::format("value item mask {} does not fit {} BIT words", code, r.length)
                    : fmt::format("value item {} does not fit type {}", code,
                                  r.address ? type_name(r.type) : "(calculated)"));
      r.value_items.emplace_back(code, kv.second.Scalar());
    }
  }
  return r;
}

}  // namespace

Catalog Catalog::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, fmt::format("cannot read register catalog {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Catalog Catalog::parse(const std::string& text, const std::string& file) {
  Catalog c;
  c.file_ = file;
  c.add_entries(text, file);
  c.compile_formulas();
  return c;
}

Catalog Catalog::from_entries(std::vector<Register> entries, const std::string& file) {
  Catalog c;
  c.file_ = file;
  for (auto& r : entries) c.add_entry(std::move(r));
  c.compile_formulas();
  return c;
}

void Catalog::add_overlay(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, fmt::format("cannot read overlay {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  add_overlay_text(ss.str(), path);
}

void Catalog::add_overlay_text(const std::string& text, const std::string& file) {
  add_entries(text, file);
  compile_formulas();
}

void Catalog::add_entries(const std::string& text, const std::string& file) {
  with_yaml_errors(file, [&] { add_entries(load_yaml(text, file), file); });
}

void Catalog::add_entries(const YAML::Node& root, const std::string& file) {
  if (!root.IsMap() || root.size() == 0)
    throw Error(ErrorClass::config,
                fmt::format("{}:1:1: the catalog must be a non-empty mapping of registers", file));
  for (const auto& kv : root) {
    const std::string key = yaml_key(kv.first, file);
    add_entry(read_entry(file, key, kv.first, kv.second));
  }
}

void Catalog::add_entry(Register r) {
  if (by_mqtt_.count(r.mqtt))
    fail_at(r.pos, r.key,
            fmt::format("duplicate mqtt key '{}' (first used by register '{}')", r.mqtt,
                        entries_[by_mqtt_[r.mqtt]].key));
  by_mqtt_[r.mqtt] = entries_.size();
  if (r.address) {
    // Non-overlap: check the neighbours in address order.
    auto next = by_address_.lower_bound(*r.address);
    if (next != by_address_.end() && next->first < *r.address + r.length)
      fail_at(r.pos, r.key,
              fmt::format("addresses {}..{} overlap register '{}'", *r.address,
                          *r.address + r.length - 1, entries_[next->second].key));
    if (next != by_address_.begin()) {
      const Register& prev = entries_[std::prev(next)->second];
      if (*prev.address + prev.length > *r.address)
        fail_at(r.pos, r.key,
                fmt::format("addresses {}..{} overlap register '{}'", *r.address,
                            *r.address + r.length - 1, prev.key));
    }
    by_address_[*r.address] = entries_.size();
  }
  entries_.push_back(std::move(r));
}

namespace {

[[noreturn]] void formula_fail(const Register& r, size_t offset, const std::string& what) {
  const SourcePos& p = r.formula_pos;
  throw Error(ErrorClass::config,
              fmt::format("{}:{}:{}: register '{}': formula: {}", p.file, p.line,
                          p.column + static_cast<int>(offset == std::string::npos ? 0 : offset),
                          r.key, what));
}

}  // namespace

void Catalog::compile_formulas() {
  std::vector<Derived> parsed;
  std::map<const Register*, size_t> index;
  for (const auto& r : entries_) {
    if (!r.is_calculated()) continue;
    Derived d;
    d.reg = &r;
    try {
      d.formula = Formula::parse(r.formula);
    } catch (const FormulaError& e) {
      formula_fail(r, e.offset, e.message);
    }
    for (const auto& [name, offset] : d.formula.names()) {
      const Register* in = by_mqtt(name);
      if (!in) formula_fail(r, offset, fmt::format("unknown name '{}'", name));
      if (in->group != r.group)
        formula_fail(r, offset,
                     fmt::format("'{}' is in group '{}', not '{}': a formula reads "
                                 "one group's frame",
                                 name, group_name(in->group), group_name(r.group)));
      d.inputs.push_back(in);
    }
    index[&r] = parsed.size();
    parsed.push_back(std::move(d));
  }
  // Depth-first topological order; a back edge is a cycle.
  enum class Mark { none, active, done };
  std::vector<Mark> mark(parsed.size(), Mark::none);
  std::vector<size_t> stack, order;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (mark[i] == Mark::done) return;
    if (mark[i] == Mark::active) {
      std::string cycle;
      auto from = std::find(stack.begin(), stack.end(), i);
      for (auto it = from; it != stack.end(); ++it) cycle += parsed[*it].reg->mqtt + " -> ";
      cycle += parsed[i].reg->mqtt;
      formula_fail(*parsed[*from].reg, std::string::npos, fmt::format("cycle {}", cycle));
    }
    mark[i] = Mark::active;
    stack.push_back(i);
    for (const Register* in : parsed[i].inputs)
      if (auto it = index.find(in); it != index.end()) visit(it->second);
    stack.pop_back();
    mark[i] = Mark::done;
    order.push_back(i);
  };
  for (size_t i = 0; i < parsed.size(); ++i) visit(i);
  derived_.clear();
  for (size_t i : order) derived_.push_back(std::move(parsed[i]));
}

const Register* Catalog::by_mqtt(const std::string& mqtt) const {
  auto it = by_mqtt_.find(mqtt);
  return it == by_mqtt_.end() ? nullptr : &entries_[it->second];
}

const Register* Catalog::by_address(uint16_t address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : &entries_[it->second];
}

const Register* Catalog::find(const std::string& what) const {
  if (const Register* r = by_mqtt(what)) return r;
  if (all_digits(what) && what.size() <= 5) {
    const long a = std::atol(what.c_str());
    if (a <= 65535)
      if (const Register* r = by_address(static_cast<uint16_t>(a))) return r;
  }
  for (const auto& r : entries_)
    if (r.key == what || r.name == what) return &r;
  return nullptr;
}

std::vector<const Register*> Catalog::group(Group g) const {
  std::vector<const Register*> out;
  for (const auto& r : entries_)
    if (r.group == g) out.push_back(&r);
  return out;
}

Catalog load_catalog(const std::optional<std::string>& file) {
  if (file) return Catalog::load(*file);
  if (const char* p = std::getenv("MTEC_REGISTERS"); p && *p) return Catalog::load(p);
  return builtin_catalog();
}

}  // namespace inverter
}  // namespace mtec
