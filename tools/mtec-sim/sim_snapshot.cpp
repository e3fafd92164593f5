#include "sim_snapshot.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mtec/errors.hpp"

namespace mtec::sim {

Snapshot load_snapshot(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, fmt::format("cannot read snapshot {}", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorClass::data, fmt::format("{}: invalid JSON: {}", path, e.what()));
  }
  if (j.is_object() && j.contains("snapshot")) j = j["snapshot"];
  if (!j.is_object())
    throw Error(ErrorClass::data,
                fmt::format("{}: a snapshot is an object {{\"<address>\": [words]}}", path));
  Snapshot snap;
  for (const auto& [key, words] : j.items()) {
    char* end = nullptr;
    const long addr = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || *end || addr < 0 || addr > 65535)
      throw Error(ErrorClass::data,
                  fmt::format("{}: '{}' is not a register address 0..65535", path, key));
    if (!words.is_array())
      throw Error(ErrorClass::data,
                  fmt::format("{}: address {}: words must be an array", path, key));
    std::vector<uint16_t> ws;
    for (const auto& w : words) {
      if (!w.is_number_unsigned() || w.get<uint64_t>() > 65535)
        throw Error(ErrorClass::data,
                    fmt::format("{}: address {}: {} is not a 16-bit word", path, key, w.dump()));
      ws.push_back(static_cast<uint16_t>(w.get<uint64_t>()));
    }
    if (addr + static_cast<long>(ws.size()) > 65536)
      throw Error(ErrorClass::data, fmt::format("{}: address {}: words run past 65535", path, key));
    snap[static_cast<uint16_t>(addr)] = std::move(ws);
  }
  return snap;
}

namespace {

std::vector<uint16_t> string_words(const std::string& s, int length) {
  std::vector<uint16_t> w(length, 0);
  for (size_t i = 0; i < s.size() && i / 2 < w.size(); ++i)
    w[i / 2] |= static_cast<uint16_t>(static_cast<unsigned char>(s[i]) << (i % 2 ? 0 : 8));
  return w;
}

// A plausible raw value for a numeric register, from its unit and scale.
int64_t plausible(const Register& r) {
  if (!r.value_items.empty()) return r.value_items.front().first;
  int64_t user = 0;
  if (r.unit == "V")
    user = r.scale >= 1000 ? 3 : 230;
  else if (r.unit == "A")
    user = 5;
  else if (r.unit == "Hz")
    user = 50;
  else if (r.unit == "W")
    user = 1500;
  else if (r.unit == "%")
    user = 80;
  else if (r.unit == "kWh")
    user = r.group == "day" ? 12 : 4321;
  else if (r.unit == "h")
    user = 1234;
  else if (r.unit.find('C') != std::string::npos)
    user = 25;
  return user * r.scale;
}

}  // namespace

Snapshot builtin_snapshot(const Catalog& catalog) {
  Snapshot snap;
  for (const auto& r : catalog.entries()) {
    if (!r.address) continue;
    std::vector<uint16_t> w(r.length, 0);
    switch (r.type) {
      case RegType::str: w = string_words("MTECSIM00000001", r.length); break;
      case RegType::byte:
        if (r.length == 1)
          w[0] = 0x1E03;  // 8.0K-25A-3P
        else
          for (int i = 0; i < r.length; i += 2) {
            w[i] = 0x1B34;
            if (i + 1 < r.length) w[i + 1] = 0x0400;
          }
        break;
      case RegType::dat: w = {0x1A01, 0x140C, 0x0000}; break;  // 26-01-20 12:00:00
      case RegType::bit: break;                                // no faults
      default: {
        const auto v = static_cast<uint32_t>(plausible(r));
        if (r.length == 2) {
          w[0] = static_cast<uint16_t>(v >> 16);
          w[1] = static_cast<uint16_t>(v);
        } else
          w[0] = static_cast<uint16_t>(v);
      }
    }
    snap[*r.address] = std::move(w);
  }
  return snap;
}

}  // namespace mtec::sim
