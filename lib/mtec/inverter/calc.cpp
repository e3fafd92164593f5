#include "mtec/inverter/calc.hpp"

#include <fmt/format.h>

#include "mtec/base/json_input.hpp"
#include "mtec/inverter/group.hpp"

namespace mtec {
inline namespace inverter {

Calculator::Calculator(const Catalog& catalog) {
  for (const auto& d : catalog.derived()) by_group_[d.reg->group].push_back(&d);
}

void Calculator::apply(Json& frame) const {
  const auto group = parse_group(frame["group"].get_ref<const std::string&>());
  if (!group) return;  // a group the catalog does not have: nothing to calculate
  const auto it = by_group_.find(*group);
  if (it == by_group_.end()) return;
  Json& values = frame["values"];
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
  if (errors.empty()) return;
  Json& all = frame["errors"];
  if (!all.is_array()) all = Json::array();
  for (auto& e : errors) all.push_back(std::move(e));
}

}  // namespace inverter
}  // namespace mtec
