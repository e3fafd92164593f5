#include <fmt/format.h>

#include <algorithm>

#include "mtec/base/errors.hpp"
#include "mtec/inverter/format.hpp"
#include "read_job.hpp"

namespace mtec::read {

namespace {

std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i)
      line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

void print_list(const Catalog& catalog) {
  std::vector<std::vector<std::string>> rows = {
      {"ADDRESS", "KEY", "GROUP", "TYPE", "UNIT", "ACCESS"}};
  for (const auto& r : catalog.entries())
    rows.push_back({r.address ? std::to_string(*r.address) : "-", r.mqtt,
                    std::string(group_name(r.group)), r.address ? type_name(r.type) : "calc",
                    r.unit.empty() ? "-" : r.unit, r.writable ? "RW" : "R"});
  std::fputs(aligned(rows).c_str(), stdout);
}

void print_labels(const Catalog& catalog, const std::string& what) {
  const Register* r = catalog.find(what);
  if (!r) throw Error(ErrorClass::usage, "unknown register '" + what + "' (see mtec-read --list)");
  for (const auto& [code, label] : r->value_items) fmt::print("{}\t{}\n", label, code);
}

std::string table_of(const Catalog& catalog, const std::vector<Frame>& frames, const Settings& s) {
  std::vector<std::vector<std::string>> rows = {{"ADDRESS", "KEY", "VALUE", "UNIT"}};
  for (const auto& f : frames) {
    for (const auto& [key, value] : f.values) {
      const Register* r = catalog.by_mqtt(key);
      rows.push_back({r && r->address ? std::to_string(*r->address) : "-", key,
                      format_payload(value, s.float_format), r ? r->unit : ""});
    }
    for (const auto& e : f.errors)
      for (const auto& key : e.keys) {
        const Register* r = catalog.by_mqtt(key);
        rows.push_back({r && r->address ? std::to_string(*r->address) : "-", key,
                        fmt::format("({})", frame_class_name(e.cls)), ""});
      }
  }
  return aligned(rows);
}

}  // namespace mtec::read
