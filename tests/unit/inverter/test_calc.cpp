// Calculated values: every derived payload of the cases and every pseudo row
// of the probes is reproduced (kind and formatted payload).
#include <gtest/gtest.h>

#include <ctime>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/inverter/calc.hpp"
#include "mtec/inverter/decode.hpp"
#include "mtec/inverter/format.hpp"

namespace mtec {
namespace {

std::string kind_of(const Json& j) {
  if (j.is_number_integer()) return "int";
  if (j.is_number_float()) return "float";
  return "str";
}

// A frame of `group` with the registers decoded from `words_of(address)`.
Json frame_of(const std::string& group,
              const std::function<std::vector<uint16_t>(const Register&)>& words) {
  Json f;
  f["ts"] = "2026-01-20T11:00:00.000Z";
  f["group"] = group;
  f["values"] = Json::object();
  for (const Register* r : test::project_catalog().group(parse_group(group).value())) {
    if (!r->address) continue;
    const auto w = words(*r);
    if (w.empty()) continue;
    f["values"][r->mqtt] = to_json(*decode(*r, w));
  }
  return f;
}

// UTC ISO timestamp of a local wall-clock "YYYY-MM-DD hh:mm:ss".
std::string utc_of_local(const std::string& local) {
  std::tm tm{};
  strptime(local.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  tm.tm_isdst = -1;
  return iso_timestamp(std::chrono::system_clock::from_time_t(std::mktime(&tm)));
}

TEST(CalcGolden, EveryDerivedPayloadOfEveryCaseRead) {
  const Calculator calc(test::project_catalog());
  int checked = 0;
  for (const auto& name : test::golden_cases()) {
    const auto& c = test::golden(name);
    const auto ff = FloatFormat::parse(c["config"].value("MQTT_FLOAT_FORMAT", ".3f"));
    for (const auto& read : c["reads"]) {
      if (read["phase"] != "loop") continue;
      Json f = frame_of(read["group"], [&](const Register& r) {
        return test::words_of(c["snapshot"][std::to_string(*r.address)]);
      });
      f["ts"] = utc_of_local(read["clock"]);
      calc.apply(f);
      EXPECT_FALSE(f.contains("errors")) << f.dump();
      for (const auto& m : read["messages"]) {
        const std::string topic = m["topic"];
        const std::string key = topic.substr(0, topic.rfind('/'))
                                    .substr(topic.substr(0, topic.rfind('/')).rfind('/') + 1);
        const Register* r = test::project_catalog().by_mqtt(key);
        ASSERT_TRUE(r) << topic;
        if (!r->is_calculated()) continue;
        ASSERT_TRUE(f["values"].contains(key)) << name << " " << topic;
        const auto v = value_from_json(f["values"][key]);
        EXPECT_EQ(format_payload(*v, ff), m["payload"].get<std::string>()) << name << " " << topic;
        EXPECT_EQ(kind_of(f["values"][key]), m["value_kind"].get<std::string>())
            << name << " " << topic;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(CalcProbes, EveryPseudoRow) {
  const Calculator calc(test::project_catalog());
  const auto ff = FloatFormat::legacy_default();
  for (const auto& row : test::golden("probes.json")["pseudo"]) {
    Json f = frame_of(row["group"], [&](const Register& r) {
      const std::string a = std::to_string(*r.address);
      return row["overrides"].contains(a) ? test::words_of(row["overrides"][a])
                                          : std::vector<uint16_t>{};
    });
    calc.apply(f);
    for (const auto& [key, out] : row["outputs"].items()) {
      ASSERT_TRUE(f["values"].contains(key)) << row.dump() << "\n" << f.dump();
      const auto v = value_from_json(f["values"][key]);
      EXPECT_EQ(format_payload(*v, ff), out["payload"].get<std::string>())
          << key << " " << row.dump();
      EXPECT_EQ(kind_of(f["values"][key]), out["python_type"].get<std::string>())
          << key << " " << row.dump();
      if (out["python_type"] == "float") {  // the exact double, not only its rounding
        EXPECT_EQ(format_float(std::get<double>(*v), FloatFormat::parse("{}")),
                  out["python_repr"].get<std::string>());
      }
    }
  }
}

TEST(Calc, MissingInputLeavesTheValueOutWithAnError) {
  const Calculator calc(test::project_catalog());
  Json f = Json::parse(
      R"({"ts":"2026-01-20T11:00:00Z","group":"now-base","values":{"inverter":2500},"extra":1})");
  calc.apply(f);
  EXPECT_FALSE(f["values"].contains("consumption"));
  EXPECT_TRUE(f["values"].contains("api_date"));  // no register inputs
  ASSERT_EQ(f["errors"].size(), 1u);
  EXPECT_EQ(f["errors"][0]["class"], "missing-input");
  EXPECT_EQ(f["errors"][0]["message"], "consumption: missing input grid_power");
  EXPECT_EQ(f["extra"], 1);
}

TEST(Calc, ErrorsOfTheInputFramePassThroughWhateverTheirClassAndOursFollow) {
  const Calculator calc(test::project_catalog());
  const std::string theirs = R"([{"keys":["x"],"class":"solar-flare","message":"m"}])";
  Json f = Json::parse(R"({"ts":"2026-01-20T11:00:00Z","group":"now-base",)"
                       R"("values":{"inverter":2500},"errors":)" +
                       theirs + "}");
  calc.apply(f);
  ASSERT_EQ(f["errors"].size(), 2u);
  EXPECT_EQ(f["errors"][0].dump(), Json::parse(theirs)[0].dump());
  EXPECT_EQ(f["errors"][1]["class"], "missing-input");
}

// The output line: the input's bytes with the added values spliced in, the
// same as writing the whole frame again where the input was written so.
TEST(CalcLine, AddedValuesAreSplicedIntoTheLineAsFrameLineWouldWriteThem) {
  const Calculator calc(test::project_catalog());
  const std::string canonical =
      R"({"ts":"2026-01-20T11:00:00.000Z","serial":"S1","group":"now-base",)"
      R"("values":{"grid_power":-1234,"inverter":500,"backup":100,"battery":0,"pv":0}})";
  Json f = Json::parse(canonical);
  const auto added = calc.apply(f);
  ASSERT_TRUE(added);
  EXPECT_FALSE(added->empty());
  EXPECT_EQ(line_with_added(canonical, f, added), frame_line(f));

  // written otherwise: its bytes stay, the values still come last in "values"
  const std::string spaced =
      "{ \"ts\": \"2026-01-20T11:00:00Z\", \"group\" : \"now-base\", \"values\" : { \"grid_power\" "
      ": 1e3,"
      " \"inverter\" : 0, \"backup\": 0, \"battery\": 0, \"pv\": 0 } }\r";
  Json g = Json::parse(spaced);
  const auto more = calc.apply(g);
  ASSERT_TRUE(more);
  const std::string out = line_with_added(spaced, g, more);
  const size_t end = spaced.rfind(" } }");
  EXPECT_EQ(out.substr(0, end), spaced.substr(0, end));  // 1e3, the spaces: as they came
  EXPECT_EQ(out.substr(out.size() - 4), "} }\r");        // spliced in before the "}" of "values"
  EXPECT_EQ(Json::parse(out), g);
}

TEST(CalcLine, AFrameWithNothingToAddIsItsLineAndOtherChangesWriteTheFrame) {
  const Calculator calc(test::project_catalog());
  const std::string grid = R"({"group":"now-grid",  "values":{"grid_a":230}})";
  Json f = Json::parse(grid);
  EXPECT_EQ(line_with_added(grid, f, calc.apply(f)), grid);  // not written again

  // a missing input: noted under "errors", the frame is written again
  const std::string missing = R"({"group":"now-base", "values":{"inverter":300}})";
  Json m = Json::parse(missing);
  const auto none = calc.apply(m);
  EXPECT_FALSE(none);
  EXPECT_EQ(line_with_added(missing, m, none), frame_line(m));

  // "values" not last: written again, nothing spliced into another member
  const std::string later =
      R"({"values":{"grid_power":1,"inverter":2,"backup":0,"battery":0,"pv":0},"group":"now-base",)"
      R"("ts":"2026-01-20T11:00:00Z"})";
  Json l = Json::parse(later);
  const auto added = calc.apply(l);
  ASSERT_TRUE(added);
  EXPECT_FALSE(added->empty());
  EXPECT_EQ(line_with_added(later, l, added), frame_line(l));

  // a top-level key repeated after "values": the parsed frame keeps it where
  // it came first, so "values" is last there but not in the line
  const std::string repeated =
      R"({"ts":"2026-01-20T11:00:00Z","x":1,"group":"now-base","values":{"grid_power":1,)"
      R"("inverter":2,"backup":0,"battery":0,"pv":0},"x":{}})";
  Json d = Json::parse(repeated);
  const auto into_x = calc.apply(d);
  ASSERT_TRUE(into_x);
  EXPECT_EQ(line_with_added(repeated, d, into_x), frame_line(d));

  // bytes the parser lets pass but a frame line has not: a byte-order mark, a NUL and more
  for (const std::string& odd : {"\xEF\xBB\xBF" + grid, grid + std::string(1, '\0') + "}}"}) {
    Json o = Json::parse(odd);
    EXPECT_EQ(line_with_added(odd, o, calc.apply(o)), frame_line(o)) << odd;
  }

  // a calculated value the input already has is replaced where it was
  const std::string again =
      R"({"ts":"2026-01-20T11:00:00Z","group":"now-base","values":{"consumption":7,"grid_power":1,)"
      R"("inverter":2,"backup":0,"battery":0,"pv":0}})";
  Json a = Json::parse(again);
  const auto replaced = calc.apply(a);
  EXPECT_FALSE(replaced);
  EXPECT_EQ(line_with_added(again, a, replaced), frame_line(a));
}

}  // namespace
}  // namespace mtec
