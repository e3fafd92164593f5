#include "mtec/inverter/frame.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <iterator>

#include "mtec/base/json_input.hpp"

namespace mtec {
inline namespace inverter {

namespace {

constexpr FrameOnlyClass kAllFrameOnlyClasses[] = {
    FrameOnlyClass::undecodable, FrameOnlyClass::missing_input, FrameOnlyClass::formula};

std::string_view frame_only_name(FrameOnlyClass cls) {
  switch (cls) {
    case FrameOnlyClass::undecodable: return "undecodable";
    case FrameOnlyClass::missing_input: return "missing-input";
    case FrameOnlyClass::formula: return "formula";
  }
  return "unknown";
}

}  // namespace

std::string_view frame_class_name(const FrameErrorClass& cls) {
  if (const auto* e = std::get_if<ErrorClass>(&cls)) return class_name(*e);
  return frame_only_name(std::get<FrameOnlyClass>(cls));
}

std::optional<FrameErrorClass> parse_frame_class(std::string_view name) {
  if (const auto e = parse_class_name(name)) return *e;
  for (const FrameOnlyClass f : kAllFrameOnlyClasses)
    if (frame_only_name(f) == name) return f;
  return std::nullopt;
}

std::string iso_timestamp(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ms / 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(secs), ms % 1000);
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(const std::string& ts) {
  std::tm tm{};
  int ms = 0;
  char z = 0;
  int n = 0;
  if (std::sscanf(ts.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
    return std::nullopt;
  const char* rest = ts.c_str() + n;
  if (*rest == '.') {
    int m = 0;
    if (std::sscanf(rest, ".%3d%n", &ms, &m) != 1) return std::nullopt;
    for (int digits = m - 1; digits < 3; ++digits) ms *= 10;
    rest += m;
  }
  z = *rest;
  if (z != 'Z' || rest[1] != '\0') return std::nullopt;
  // a time the clock can hold (nanoseconds since 1970 overflow in 2262)
  if (tm.tm_year < 1970 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
      tm.tm_sec < 0 || tm.tm_sec > 60 || ms < 0)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t secs = timegm(&tm);
  if (secs == -1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

Json to_json(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::get<std::string>(v);
}

std::optional<Value> value_from_json(const Json& j) {
  if (j.is_boolean()) return Value{j.get<bool>()};
  if (j.is_number_unsigned()) return Value{static_cast<int64_t>(j.get<uint64_t>())};
  if (j.is_number_integer()) return Value{j.get<int64_t>()};
  if (j.is_number_float()) return Value{j.get<double>()};
  if (j.is_string()) return Value{j.get<std::string>()};
  return std::nullopt;
}

Json error_to_json(const FrameError& e) {
  Json j;
  if (e.start) {
    j["start"] = *e.start;
    j["count"] = e.count;
  }
  j["keys"] = e.keys;
  j["class"] = std::string(frame_class_name(e.cls));
  if (e.exception) j["exception"] = e.exception;
  j["message"] = e.message;
  return j;
}

Json frame_to_json(const Frame& f) {
  Json j;
  j["ts"] = f.ts;
  if (!f.serial.empty()) j["serial"] = f.serial;
  j["group"] = std::string(group_name(f.group));
  Json values = Json::object();
  for (const auto& [k, v] : f.values) values[k] = to_json(v);
  j["values"] = std::move(values);
  if (!f.raw.empty()) {
    Json raw = Json::object();
    for (const auto& [a, w] : f.raw) raw[std::to_string(a)] = w;
    j["raw"] = std::move(raw);
  }
  if (!f.errors.empty()) {
    Json errs = Json::array();
    for (const auto& e : f.errors) errs.push_back(error_to_json(e));
    j["errors"] = std::move(errs);
  }
  return j;
}

std::string frame_problem(const Json& j) {
  if (!j.is_object()) return "not a JSON object";
  const auto g = j.find("group");
  if (g == j.end() || !g->is_string()) return "no \"group\" string";
  const auto v = j.find("values");
  if (v == j.end() || !v->is_object()) return "no \"values\" object";
  return {};
}

std::string parse_frame(const std::string& line, Json& frame) {
  std::string problem;
  auto parsed = parse_json<Json>(line, problem);
  if (!parsed) return problem;
  frame = std::move(*parsed);
  return frame_problem(frame);
}

std::string frame_line(const Json& frame) {
  return frame.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string frame_line(const Frame& f) { return frame_line(frame_to_json(f)); }

}  // namespace inverter
}  // namespace mtec
