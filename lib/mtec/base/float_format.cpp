#include "mtec/base/float_format.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

namespace {

bool is_align(char c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

[[noreturn]] void bad_spec(std::string_view original, std::string_view why) {
  throw Error(ErrorClass::config,
              fmt::format("MQTT_FLOAT_FORMAT '{}': {} (supported: Python float specs such as "
                          "'{{:.3f}}', '{{:.1f}}', '{{:g}}', '{{:>8.2f}}')",
                          original, why));
}

std::string printf_double(const char* conv, bool alternate, int precision, double v) {
  std::string f = "%";
  if (alternate) f += '#';
  f += ".*";
  f += conv;
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, f.c_str(), precision, v);
  if (n < static_cast<int>(sizeof buf)) return std::string(buf, n);
  std::string big(n + 1, '\0');
  std::snprintf(big.data(), big.size(), f.c_str(), precision, v);
  big.resize(n);
  return big;
}

// Python repr() of a non-negative finite double: shortest round-trip digits,
// scientific when the exponent is < -4 or >= 16.
std::string python_repr(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  const auto epos = s.find('e');
  std::string mant = s.substr(0, epos);
  const int exp = std::atoi(s.c_str() + epos + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  if (exp < -4 || exp >= 16) {
    std::string out(1, digits[0]);
    if (digits.size() > 1) out += "." + digits.substr(1);
    return out + fmt::format("e{}{:02d}", exp < 0 ? '-' : '+', std::abs(exp));
  }
  if (exp < 0) return "0." + std::string(-exp - 1, '0') + digits;
  if (static_cast<int>(digits.size()) <= exp + 1)
    return digits + std::string(exp + 1 - digits.size(), '0') + ".0";
  return digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
}

// Python's float format with a precision and no type: like 'g', but
// scientific already when exp >= p - 1, and fixed notation keeps at least one
// digit after the point.
std::string general_no_type(double a, int p, bool alternate) {
  const std::string sci = printf_double("e", alternate, p - 1, a);
  const int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  auto strip_zeros = [alternate](std::string s, bool keep_one) {
    if (alternate || s.find('.') == std::string::npos) return s;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') {
      if (keep_one)
        s += '0';
      else
        s.pop_back();
    }
    return s;
  };
  if (exp >= -4 && exp < p - 1)
    return strip_zeros(printf_double("f", alternate, p - 1 - exp, a), true);
  const auto epos = sci.find('e');
  return strip_zeros(sci.substr(0, epos), false) + sci.substr(epos);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Digits of |v| without sign, per type and precision.
std::string body(double a, const FloatFormat& f) {
  if (std::isnan(a) || std::isinf(a)) {
    std::string s = std::isnan(a) ? "nan" : "inf";
    if (f.type == 'E' || f.type == 'F' || f.type == 'G') s = upper(s);
    return s + (f.type == '%' ? "%" : "");
  }
  const int p = f.precision;
  switch (f.type) {
    case 'f':
    case 'F': return printf_double("f", f.alternate, p < 0 ? 6 : p, a);
    case 'e': return printf_double("e", f.alternate, p < 0 ? 6 : p, a);
    case 'E': return printf_double("E", f.alternate, p < 0 ? 6 : p, a);
    case 'g': return printf_double("g", f.alternate, p < 0 ? 6 : (p == 0 ? 1 : p), a);
    case 'G': return printf_double("G", f.alternate, p < 0 ? 6 : (p == 0 ? 1 : p), a);
    case '%': return printf_double("f", f.alternate, p < 0 ? 6 : p, a * 100) + "%";
    default: break;
  }
  if (p < 0) return python_repr(a);
  return general_no_type(a, p == 0 ? 1 : p, f.alternate);
}

std::string group_digits(const std::string& s, char sep) {
  const auto end = s.find_first_of(".e%");
  const std::string intpart = s.substr(0, end);
  std::string out;
  for (size_t i = 0; i < intpart.size(); ++i) {
    if (i && (intpart.size() - i) % 3 == 0) out += sep;
    out += intpart[i];
  }
  return out + (end == std::string::npos ? "" : s.substr(end));
}

}  // namespace

FloatFormat FloatFormat::legacy_default() { return FloatFormat::parse(".3f"); }

FloatFormat FloatFormat::parse(std::string_view original) {
  std::string_view s = original;
  while (!s.empty() && (s.front() == '{' || s.front() == '}')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '{' || s.back() == '}')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ':') s.remove_prefix(1);
  FloatFormat f;
  size_t i = 0;
  if (s.size() >= 2 && is_align(s[1])) {
    f.fill = s[0];
    f.align = s[1];
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    f.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) f.sign = s[i++];
  if (i < s.size() && s[i] == 'z') {
    f.no_neg_zero = true;
    ++i;
  }
  if (i < s.size() && s[i] == '#') {
    f.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    if (!f.align) {
      f.fill = '0';
      f.align = '=';
    }
    ++i;
  }
  auto number = [&](int& out) {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
    if (i - start > 3) bad_spec(original, "width or precision too large");
    out = std::atoi(std::string(s.substr(start, i - start)).c_str());
    return true;
  };
  number(f.width);
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) f.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!number(f.precision)) bad_spec(original, "'.' must be followed by a precision");
  }
  if (i < s.size()) {
    const char t = s[i++];
    if (std::string_view("eEfFgG%").find(t) == std::string_view::npos)
      bad_spec(original, fmt::format("type '{}' is not a float presentation type", t));
    f.type = t;
  }
  if (i != s.size()) bad_spec(original, "unexpected characters at the end");
  return f;
}

std::string format_float(double v, const FloatFormat& f) {
  std::string digits = body(std::fabs(v), f);
  bool negative = std::signbit(v) && !std::isnan(v);
  if (negative && f.no_neg_zero && digits.find_first_of("123456789") == std::string::npos &&
      !std::isinf(v))
    negative = false;
  if (f.grouping) digits = group_digits(digits, f.grouping);
  std::string sign;
  if (negative)
    sign = "-";
  else if (f.sign == '+')
    sign = "+";
  else if (f.sign == ' ')
    sign = " ";
  const size_t len = sign.size() + digits.size();
  if (static_cast<size_t>(f.width) <= len) return sign + digits;
  const size_t pad = f.width - len;
  switch (f.align ? f.align : '>') {
    case '<': return sign + digits + std::string(pad, f.fill);
    case '=': return sign + std::string(pad, f.fill) + digits;
    case '^':
      return std::string(pad / 2, f.fill) + sign + digits + std::string(pad - pad / 2, f.fill);
    default: return std::string(pad, f.fill) + sign + digits;
  }
}

}  // namespace base
}  // namespace mtec
