#include "mtec/inverter/decode.hpp"

#include <fmt/format.h>

#include <array>

namespace mtec {
inline namespace inverter {

namespace {

constexpr uint16_t kEquipmentAddress = 10008;
constexpr uint16_t kFirmwareAddress = 10011;

struct Model {
  int family, code;
  const char* name;
};

// const EQUIPMENT of the legacy (tests/contract/CONTRACT.md §2.4).
constexpr std::array kModels = {
    Model{30, 0, "4.0K-25A-3P"},   Model{30, 1, "5.0K-25A-3P"},   Model{30, 2, "6.0K-25A-3P"},
    Model{30, 3, "8.0K-25A-3P"},   Model{30, 4, "10K-25A-3P"},    Model{30, 5, "12K-25A-3P"},
    Model{30, 6, "10K-40A-3P"},    Model{30, 7, "12K-40A-3P"},    Model{30, 8, "15K-40A-3P"},
    Model{30, 9, "20K-40A-3P"},    Model{31, 0, "3.0K-30A-1P"},   Model{31, 1, "3.6K-30A-1P"},
    Model{31, 2, "4.2K-30A-1P"},   Model{31, 3, "4.6K-30A-1P"},   Model{31, 4, "5.0K-30A-1P"},
    Model{31, 5, "6.0K-30A-1P"},   Model{31, 6, "7.0K-30A-1P"},   Model{31, 7, "8.0K-30A-1P"},
    Model{31, 8, "3.0K-30A-1P-S"}, Model{31, 9, "3.6K-30A-1P-S"}, Model{32, 0, "25K-100A-3P"},
    Model{32, 1, "30K-100A-3P"},   Model{32, 2, "36K-100A-3P"},   Model{32, 3, "40K-100A-3P"},
    Model{32, 4, "50K-100A-3P"},
};

std::string word_bytes(uint16_t w) { return fmt::format("{:02d} {:02d}", w >> 8, w & 0xFF); }

// BYTE: "HH LL", "AA BB  CC DD", "AA BB CC DD  EE FF GG HH".
std::string byte_string(std::span<const uint16_t> words) {
  if (words.size() == 4)
    return fmt::format("{} {}  {} {}", word_bytes(words[0]), word_bytes(words[1]),
                       word_bytes(words[2]), word_bytes(words[3]));
  if (words.size() == 2) return fmt::format("{}  {}", word_bytes(words[0]), word_bytes(words[1]));
  return word_bytes(words[0]);
}

std::string bit_string(std::span<const uint16_t> words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ' ';
    out += fmt::format("{:016b}", words[i]);
  }
  return out;
}

bool is_enum(const Register& r) { return r.hass_device_class == "enum" && !r.value_items.empty(); }

}  // namespace

int64_t raw_integer(RegType type, std::span<const uint16_t> w) {
  switch (type) {
    case RegType::u16: return w[0];
    case RegType::i16: return static_cast<int16_t>(w[0]);
    case RegType::u32: return (static_cast<uint32_t>(w[0]) << 16) | w[1];
    case RegType::i32: return static_cast<int32_t>((static_cast<uint32_t>(w[0]) << 16) | w[1]);
    default: return 0;
  }
}

std::optional<std::string> decode_str(std::span<const uint16_t> words) {
  std::string s;
  for (uint16_t w : words) {
    s += static_cast<char>(w >> 8);
    s += static_cast<char>(w & 0xFF);
  }
  auto strip = [&s](auto pred) {
    while (!s.empty() && pred(static_cast<unsigned char>(s.back()))) s.pop_back();
  };
  auto pad = [](unsigned char c) { return c == 0x00 || c == 0xFF; };
  auto blank = [](unsigned char c) { return c == ' '; };
  strip(pad);
  strip(blank);
  strip(pad);
  strip(blank);
  if (!valid_utf8(s)) return std::nullopt;
  return s;
}

std::string fault_list(const Register& reg, std::span<const uint16_t> words) {
  uint64_t value = 0;
  for (uint16_t w : words) value = (value << 16) | w;
  std::string out;
  for (const auto& [mask, label] : reg.value_items) {
    if ((value & static_cast<uint64_t>(mask)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += label;
  }
  return out.empty() ? "OK" : out;
}

std::string equipment_model(uint16_t word) {
  const int family = word >> 8, code = word & 0xFF;
  for (const auto& m : kModels)
    if (m.family == family && m.code == code) return m.name;
  return "unknown";
}

std::string firmware_string(std::span<const uint16_t> w) {
  auto half = [](uint16_t a, uint16_t b) {
    return fmt::format("{:02d}.{:02d}.{:02d}.{:02d}", a >> 8, a & 0xFF, b >> 8, b & 0xFF);
  };
  return fmt::format("V{}-V{}", half(w[0], w[1]), half(w[2], w[3]));
}

std::optional<Value> decode(const Register& reg, std::span<const uint16_t> words) {
  if (!reg.address || words.size() != static_cast<size_t>(reg.length)) return std::nullopt;
  switch (reg.type) {
    case RegType::u16:
    case RegType::i16:
    case RegType::u32:
    case RegType::i32: {
      const int64_t raw = raw_integer(reg.type, words);
      if (reg.scale > 1) return Value{static_cast<double>(raw) / reg.scale};
      if (is_enum(reg)) {
        for (const auto& [code, label] : reg.value_items)
          if (code == raw) return Value{label};
        return Value{std::string("Unknown")};
      }
      return Value{raw};
    }
    case RegType::str: {
      auto s = decode_str(words);
      if (!s) return std::nullopt;
      return Value{std::move(*s)};
    }
    case RegType::dat:
      return Value{fmt::format("{:02d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", words[0] >> 8,
                               words[0] & 0xFF, words[1] >> 8, words[1] & 0xFF, words[2] >> 8,
                               words[2] & 0xFF)};
    case RegType::byte:
      if (*reg.address == kFirmwareAddress && words.size() == 4)
        return Value{firmware_string(words)};
      if (*reg.address == kEquipmentAddress && words.size() == 1)
        return Value{equipment_model(words[0])};
      return Value{byte_string(words)};
    case RegType::bit:
      if (is_enum(reg)) return Value{fault_list(reg, words)};
      return Value{bit_string(words)};
  }
  return std::nullopt;
}

}  // namespace inverter
}  // namespace mtec
