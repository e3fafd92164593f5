#include "mtec/sim/snapshot.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mtec/base/errors.hpp"

namespace mtec::sim {

namespace snapshot_detail {

// {"<address>": [words]} into `snap`; `where` names the file (and line).
void add_words(Snapshot& snap, const nlohmann::json& j, const std::string& where) {
  if (!j.is_object())
    throw Error(ErrorClass::data,
                fmt::format("{}: a snapshot is an object {{\"<address>\": [words]}}", where));
  for (const auto& [key, words] : j.items()) {
    char* end = nullptr;
    const long addr = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || *end || addr < 0 || addr > 65535)
      throw Error(ErrorClass::data,
                  fmt::format("{}: '{}' is not a register address 0..65535", where, key));
    if (!words.is_array())
      throw Error(ErrorClass::data,
                  fmt::format("{}: address {}: words must be an array", where, key));
    std::vector<uint16_t> ws;
    for (const auto& w : words) {
      if (!w.is_number_unsigned() || w.get<uint64_t>() > 65535)
        throw Error(ErrorClass::data,
                    fmt::format("{}: address {}: {} is not a 16-bit word", where, key, w.dump()));
      ws.push_back(static_cast<uint16_t>(w.get<uint64_t>()));
    }
    if (addr + static_cast<long>(ws.size()) > 65536)
      throw Error(ErrorClass::data,
                  fmt::format("{}: address {}: words run past 65535", where, key));
    snap[static_cast<uint16_t>(addr)] = std::move(ws);
  }
}

// A recording: NDJSON frames of `mtec-read --all --raw`; their "raw" words.
Snapshot from_recording(const std::string& text, const std::string& path) {
  Snapshot snap;
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", path, n);
    const auto frame = nlohmann::json::parse(line, nullptr, false);
    if (frame.is_discarded() || !frame.is_object())
      throw Error(ErrorClass::data, fmt::format("{}: not a frame (one JSON object a line)", where));
    if (frame.contains("raw")) add_words(snap, frame["raw"], where);
  }
  if (snap.empty())
    throw Error(
        ErrorClass::data,
        fmt::format("{}: no raw words in the recording (record with mtec-read --all --raw)", path));
  return snap;
}

}  // namespace snapshot_detail

Snapshot load_snapshot(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorClass::no_input, fmt::format("cannot read snapshot {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // not one JSON document: a recording of frames, one a line
    const auto first = nlohmann::json::parse(text.substr(0, text.find('\n')), nullptr, false);
    if (first.is_object()) return snapshot_detail::from_recording(text, path);
    throw Error(ErrorClass::data, fmt::format("{}: invalid JSON: {}", path, e.what()));
  }
  if (j.is_object() && j.contains("snapshot")) j = j["snapshot"];
  if (j.is_object() && j.contains("raw") && j.contains("group"))
    return snapshot_detail::from_recording(text, path);
  Snapshot snap;
  snapshot_detail::add_words(snap, j, path);
  return snap;
}

namespace snapshot_detail {

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
    user = r.group == Group::day ? 12 : 4321;
  else if (r.unit == "h")
    user = 1234;
  else if (r.unit.find('C') != std::string::npos)
    user = 25;
  return user * r.scale;
}

}  // namespace snapshot_detail

Snapshot builtin_snapshot(const Catalog& catalog) {
  Snapshot snap;
  for (const auto& r : catalog.entries()) {
    if (!r.address) continue;
    std::vector<uint16_t> w(r.length, 0);
    switch (r.type) {
      case RegType::str: w = snapshot_detail::string_words("MTECSIM00000001", r.length); break;
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
        const auto v = static_cast<uint32_t>(snapshot_detail::plausible(r));
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
