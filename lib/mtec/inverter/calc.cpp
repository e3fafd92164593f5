#include "mtec/inverter/calc.hpp"

#include <fmt/format.h>

#include "mtec/base/json_input.hpp"
#include "mtec/inverter/group.hpp"

namespace mtec {
inline namespace inverter {

Calculator::Calculator(const Catalog& catalog) {
  for (const auto& d : catalog.derived()) by_group_[d.reg->group].push_back(&d);
}

std::optional<std::vector<std::string>> Calculator::apply(Json& frame) const {
  std::vector<std::string> added;
  const auto group = parse_group(frame["group"].get_ref<const std::string&>());
  if (!group) return added;  // a group the catalog does not have: nothing to calculate
  const auto it = by_group_.find(*group);
  if (it == by_group_.end()) return added;
  Json& values = frame["values"];
  bool only_added = true;
  std::optional<std::string> time;
  bool time_done = false;
  std::vector<std::pair<std::string, Value>> inputs;
  Json errors = Json::array();  // appended at the end: adding a key to `frame` moves `values`
  for (const Derived* d : it->second) {
    inputs.clear();
    std::vector<std::string> missing;
    for (const Register* in : d->inputs) {
      const auto v = values.find(in->mqtt);
      std::optional<Value> val;
      if (v != values.end()) val = value_from_json(*v);
      if (val)
        inputs.emplace_back(in->mqtt, std::move(*val));
      else
        missing.push_back(in->mqtt);
    }
    if (d->formula.uses_frame_time() && !time_done) {
      time_done = true;
      if (const auto ts = frame.find("ts"); ts != frame.end() && ts->is_string())
        if (auto t = parse_timestamp(ts->get<std::string>())) time = local_time_string(*t);
    }
    FrameError err;
    if (!missing.empty()) {
      err.cls = FrameOnlyClass::missing_input;
      err.message = fmt::format("{}: missing input {}", d->reg->mqtt, fmt::join(missing, ", "));
    } else {
      try {
        const Value v = d->formula.eval(
            [&inputs](const std::string& name) -> const Value* {
              for (const auto& [k, val] : inputs)
                if (k == name) return &val;
              return nullptr;
            },
            time);
        if (values.contains(d->reg->mqtt))
          only_added = false;  // replaced where it was
        else
          added.push_back(d->reg->mqtt);
        values[d->reg->mqtt] = to_json(v);
        continue;
      } catch (const FormulaError& e) {
        err.cls = FrameOnlyClass::formula;
        err.message = fmt::format("{}: {}", d->reg->mqtt, e.message);
      }
    }
    err.keys = {d->reg->mqtt};
    values.erase(d->reg->mqtt);
    errors.push_back(error_to_json(err));
  }
  if (errors.empty()) {
    if (only_added) return added;
    return std::nullopt;
  }
  Json& all = frame["errors"];
  if (!all.is_array()) all = Json::array();
  for (auto& e : errors) all.push_back(std::move(e));
  return std::nullopt;
}

namespace {

// How many members the object `line` (valid JSON: it was parsed) has at its
// top level, if `line` is that object and nothing else but JSON whitespace;
// nullopt otherwise (a byte-order mark before it, a NUL or more after it,
// which the parser lets pass and a re-written frame would not keep).
std::optional<size_t> top_level_members(const std::string& line) {
  const size_t first = line.find_first_not_of(kJsonWhitespace);
  if (first == std::string::npos || line[first] != '{') return std::nullopt;
  const JsonShape shape = json_shape(line);
  if (shape.end == std::string::npos ||
      line.find_first_not_of(kJsonWhitespace, shape.end) != std::string::npos)
    return std::nullopt;
  return shape.members;
}

// Where the "values" object of `line` ends (its '}'), if "values" is the
// frame's last member; npos otherwise. `line` is the frame's object alone,
// without a repeated top-level key (the parsed frame keeps one where it came
// first: "values" last there, another member last in the line).
size_t values_end(const std::string& line, const Json& frame) {
  if (frame.empty() || std::prev(frame.end()).key() != "values") return std::string::npos;
  const size_t close = line.find_last_not_of(kJsonWhitespace);  // the frame's '}'
  if (close == std::string::npos || close == 0 || line[close] != '}') return std::string::npos;
  const size_t end = line.find_last_not_of(kJsonWhitespace, close - 1);  // that of "values"
  if (end == std::string::npos || line[end] != '}') return std::string::npos;
  return end;
}

}  // namespace

std::string line_with_added(const std::string& line, const Json& frame,
                            const std::optional<std::vector<std::string>>& added) {
  // the line as it came only where it is the frame's object alone, with as
  // many members as the frame (no repeated key)
  if (!added || top_level_members(line) != frame.size()) return frame_line(frame);
  if (added->empty()) return line;
  const size_t end = values_end(line, frame);
  if (end == std::string::npos) return frame_line(frame);
  const Json& values = frame["values"];
  std::string text;
  bool first = values.size() == added->size();  // "values" was empty: no comma before
  for (const auto& key : *added) {
    text += first ? "" : ",";
    first = false;
    text +=
        Json(key).dump() + ":" + values[key].dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  std::string out = line;
  out.insert(end, text);
  return out;
}

}  // namespace inverter
}  // namespace mtec
