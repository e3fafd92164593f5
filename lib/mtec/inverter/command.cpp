#include "mtec/inverter/command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/inverter/decode.hpp"
#include "mtec/inverter/format.hpp"

namespace mtec {
inline namespace inverter {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\n\r\f\v");
  return s.substr(b, e - b + 1);
}

// Python's underscore rule: single '_' only between digits; returns the
// text without them, or nullopt.
std::optional<std::string> strip_underscores(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') {
      out += s[i];
      continue;
    }
    if (i == 0 || i + 1 == s.size() || !std::isdigit(static_cast<unsigned char>(s[i - 1])) ||
        !std::isdigit(static_cast<unsigned char>(s[i + 1])))
      return std::nullopt;
  }
  return out;
}

// Python int(text) for base 10.
std::optional<int64_t> python_int(const std::string& text) {
  auto s = strip_underscores(trim(text));
  if (!s || s->empty()) return std::nullopt;
  size_t i = (*s)[0] == '+' || (*s)[0] == '-' ? 1 : 0;
  if (i == s->size()) return std::nullopt;
  for (size_t k = i; k < s->size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>((*s)[k]))) return std::nullopt;
  errno = 0;
  const long long v = std::strtoll(s->c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

// Python float(text) for decimal notation (the legacy only calls it on
// text that contains a '.').
std::optional<double> python_float(const std::string& text) {
  auto s = strip_underscores(trim(text));
  if (!s || s->empty()) return std::nullopt;
  bool digit = false;
  for (char c : *s) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digit = true;
    else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
      return std::nullopt;
  }
  if (!digit) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s->c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return v;
}

std::string number_text(double v) { return fmt::format("{}", v); }

}  // namespace

namespace {

// "'General mode' (257), 'Economic mode' (258), ..." for messages.
std::string labels_and_codes(const Register& reg) {
  std::string out;
  for (const auto& [code, label] : reg.value_items)
    out += fmt::format("{}'{}' ({})", out.empty() ? "" : ", ", label, code);
  return out;
}

EncodedWrite words_of(EncodedWrite w, int64_t raw) {
  w.raw = raw;
  const auto u = static_cast<uint32_t>(raw);
  if (w.reg->length == 2)
    w.words = {static_cast<uint16_t>(u >> 16), static_cast<uint16_t>(u & 0xFFFF)};
  else
    w.words = {static_cast<uint16_t>(u & 0xFFFF)};
  return w;
}

}  // namespace

void check_writable(const Register& reg) {
  if (!reg.writable)
    throw Error(ErrorClass::no_perm,
                fmt::format("{} ({}) is read-only", reg.mqtt, reg.address.value_or(0)));
}

EncodedWrite encode_write(const Catalog& catalog, const std::string& key, const std::string& text,
                          WriteMode mode) {
  const Register* reg = catalog.find(key);
  if (!reg || !reg->address)
    throw Error(ErrorClass::usage, fmt::format("unknown register '{}'", untrusted(key)));
  const std::string who = fmt::format("{} ({})", reg->mqtt, *reg->address);
  EncodedWrite w;
  w.reg = reg;
  w.requested = text;
  std::optional<Value> value;
  for (const auto& [code, label] : reg->value_items)
    if (text == label) value = Value{code};
  check_writable(*reg);
  if (mode == WriteMode::raw_word) {  // experts: the raw value itself, within the type
    const auto i = python_int(text);
    const auto [lo, hi] = raw_range(reg->type);
    if (!i || static_cast<double>(*i) < lo || static_cast<double>(*i) > hi)
      throw Error(ErrorClass::data,
                  fmt::format("{}: --raw needs an integer {}..{} ({}), not '{}'", who, lo, hi,
                              type_name(reg->type), untrusted(text)));
    w.user_value = Value{*i};
    return words_of(std::move(w), *i);
  }
  if (!value) {
    if (text.find('.') != std::string::npos) {
      const auto f = python_float(text);
      if (!f)
        throw Error(ErrorClass::data,
                    fmt::format("{}: '{}' is not a number", who, untrusted(text)));
      if (!std::isfinite(*f))
        throw Error(ErrorClass::data,
                    fmt::format("{}: '{}' is not a finite number", who, untrusted(text)));
      value = Value{*f};
    } else {
      const auto i = python_int(text);
      if (!i) {
        std::string labels;
        for (const auto& [code, label] : reg->value_items)
          labels += fmt::format("{}'{}'", labels.empty() ? "" : ", ", label);
        throw Error(ErrorClass::data,
                    text.empty()     ? fmt::format("{}: the value is empty", who)
                    : labels.empty() ? fmt::format("{}: '{}' is not a number", who, untrusted(text))
                                     : fmt::format("{}: '{}' is neither a number nor one of {}",
                                                   who, untrusted(text), labels));
      }
      value = Value{*i};
    }
    // A number for a register with labels is only another spelling of a
    // label's code (the legacy's rule): any other number is no such state.
    if (!reg->value_items.empty()) {
      const bool is_code =
          is_int(*value) &&
          std::any_of(reg->value_items.begin(), reg->value_items.end(),
                      [&](const auto& item) { return item.first == std::get<int64_t>(*value); });
      if (!is_code)
        throw Error(ErrorClass::data,
                    fmt::format("{}: '{}' is none of its labels or their codes: {}", who,
                                untrusted(text), labels_and_codes(*reg)));
    }
  }
  w.user_value = *value;
  const double user =
      is_int(*value) ? static_cast<double>(std::get<int64_t>(*value)) : std::get<double>(*value);
  if ((reg->min && user < *reg->min) || (reg->max && user > *reg->max))
    throw Error(
        ErrorClass::data,
        fmt::format("{}: {} is outside the allowed range {}..{}{}", who, untrusted(trim(text)),
                    reg->min ? number_text(*reg->min) : "", reg->max ? number_text(*reg->max) : "",
                    reg->unit.empty() ? "" : " " + reg->unit));
  // scale, then truncate toward zero (int() of the legacy); the range is
  // checked on the double first, so no integer arithmetic can overflow
  const double scaled = std::trunc(user * reg->scale);
  const auto [lo, hi] = raw_range(reg->type);
  if (!(scaled >= lo && scaled <= hi))
    throw Error(ErrorClass::data,
                fmt::format("{}: {} does not fit {} (raw {} outside {}..{})", who,
                            untrusted(trim(text)), type_name(reg->type), scaled, lo, hi));
  const int64_t raw =
      is_int(*value) ? std::get<int64_t>(*value) * reg->scale : static_cast<int64_t>(scaled);
  return words_of(std::move(w), raw);
}

std::optional<std::string> refuse_write(const Catalog& catalog, uint16_t address,
                                        const std::vector<uint16_t>& words, bool raw) {
  const Register* reg = catalog.by_address(address);
  if (!reg || !reg->address || *reg->address != address)
    return fmt::format("{} is no register of the catalog", address);
  const std::string who = fmt::format("{} ({})", reg->mqtt, address);
  if (!reg->writable) return who + " is read-only";
  if (words.size() != static_cast<size_t>(reg->length))
    return fmt::format("{} takes {} word{}, not {}", who, reg->length, reg->length == 1 ? "" : "s",
                       words.size());
  if (raw) return std::nullopt;
  uint32_t u = words[0];
  if (words.size() == 2) u = (u << 16) | words[1];
  const auto [lo, hi] = raw_range(reg->type);
  int64_t value = u;
  if (lo < 0 && words.size() == 1) value = static_cast<int16_t>(u);
  if (lo < 0 && words.size() == 2) value = static_cast<int32_t>(u);
  if (static_cast<double>(value) < lo || static_cast<double>(value) > hi)
    return fmt::format("{}: raw {} does not fit {}", who, value, type_name(reg->type));
  if (!reg->value_items.empty()) {
    if (!std::any_of(reg->value_items.begin(), reg->value_items.end(),
                     [&](const auto& item) { return item.first == value; }))
      return fmt::format("{}: {} is none of its labels' codes: {}", who, value,
                         labels_and_codes(*reg));
    return std::nullopt;
  }
  const double user = static_cast<double>(value) / reg->scale;
  if ((reg->min && user < *reg->min) || (reg->max && user > *reg->max))
    return fmt::format("{}: {} is outside the allowed range {}..{}", who, user,
                       reg->min ? number_text(*reg->min) : "",
                       reg->max ? number_text(*reg->max) : "");
  return std::nullopt;
}

std::string describe_words(const Register& reg, const std::vector<uint16_t>& words) {
  const auto v = decode(reg, words);
  if (!v) return "(undecodable)";
  return format_payload(*v, FloatFormat::parse("{}"));
}

}  // namespace inverter
}  // namespace mtec
