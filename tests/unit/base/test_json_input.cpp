// JSON from outside: nesting bounded before parsing, lookups checked.
#include <gtest/gtest.h>

#include <string>

#include "mtec/base/json_input.hpp"
#include "mtec/control/control.hpp"

namespace mtec {
namespace {

TEST(JsonInput, DepthIsCountedOutsideStrings) {
  EXPECT_EQ(json_depth(R"({"a":[1,{"b":2}]})"), 3);
  EXPECT_EQ(json_depth(R"({"a":"[[[[{{{{\"]]"})"), 1);
  EXPECT_EQ(json_depth("42"), 0);
  const std::string deep(50000, '[');
  EXPECT_EQ(json_depth(deep), kMaxJsonDepth + 1);  // stops counting past the limit
}

TEST(JsonInput, DeepOrBrokenInputIsAProblemNotAnException) {
  std::string problem;
  EXPECT_FALSE(parse_json(std::string(100000, '[') + std::string(100000, ']'), problem));
  EXPECT_EQ(problem, "nested deeper than 64 levels");
  EXPECT_FALSE(parse_json("{\"a\":", problem));
  EXPECT_EQ(problem, "not valid JSON");
  const auto ok = parse_json(std::string(64, '[') + std::string(64, ']'), problem);
  EXPECT_TRUE(ok);
}

TEST(JsonInput, ATextOfTooManyObjectsAndArraysIsAProblemBeforeParsing) {
  auto many = [](size_t n) {
    std::string t = "[";
    for (size_t i = 0; i < n; ++i) t += i ? ",{}" : "{}";
    return t + "]";
  };
  std::string problem;
  EXPECT_TRUE(
      parse_json(many(kMaxJsonContainers - 1), problem));  // with the outer array: the limit
  EXPECT_FALSE(parse_json(many(kMaxJsonContainers), problem));
  EXPECT_EQ(problem, "more than 65536 objects and arrays");
  EXPECT_EQ(json_shape(R"({"a":"{[{[","b":[{}]})").containers, 3u);  // strings are skipped
}

TEST(JsonInput, TheShapeCountsTheFirstContainersMembersAndWhereItEnds) {
  const std::string obj = R"( {"a":{"x":[1,2]},"b":"}",  "c":[]} )";
  EXPECT_EQ(json_shape(obj).members, 3u);
  EXPECT_EQ(json_shape(obj).end, obj.size() - 1);
  EXPECT_EQ(json_shape("{ }").members, 0u);
  EXPECT_EQ(json_shape("[[],{}]").members, 2u);
  EXPECT_EQ(json_shape(R"({"a":1}{"b":2,"c":3})").members, 1u);  // the first one only
  EXPECT_EQ(json_shape(R"({"a":1)").end, std::string_view::npos);
}

TEST(JsonInput, CheckedLookups) {
  const auto j = nlohmann::json::parse(
      R"({"s":"x","i":-3,"f":1.5,"w":[1,65535],"bad":[1,65536],"neg":[-1],"big":18446744073709551615})");
  EXPECT_EQ(string_at(j, "s"), "x");
  EXPECT_FALSE(string_at(j, "i"));
  EXPECT_EQ(integer_at(j, "i"), -3);
  EXPECT_FALSE(integer_at(j, "f"));
  EXPECT_FALSE(integer_at(j, "big"));
  EXPECT_FALSE(integer_at(j, "missing"));
  EXPECT_EQ(words_at(j, "w"), (std::vector<uint16_t>{1, 65535}));
  EXPECT_FALSE(words_at(j, "bad"));
  EXPECT_FALSE(words_at(j, "neg"));
  EXPECT_FALSE(string_at(nlohmann::json::array(), "s"));
}

TEST(ControlRequest, ParsedAndChecked) {
  auto r = control::parse_control_request(R"({"op":"read","address":10000,"count":8})");
  ASSERT_TRUE(std::holds_alternative<control::ControlRequest>(r));
  EXPECT_EQ(std::get<control::ControlRequest>(r).count, 8);
  r = control::parse_control_request(R"({"op":"write","address":50000,"words":[258]})");
  ASSERT_TRUE(std::holds_alternative<control::ControlRequest>(r));
  EXPECT_EQ(std::get<control::ControlRequest>(r).words, std::vector<uint16_t>{258});
  for (const char* bad :
       {R"({"op":"write","address":50000})", R"({"op":"write","address":50000,"words":[]})",
        R"({"op":"read","address":70000})", R"({"op":"read","address":1,"count":126})",
        R"({"op":"read","address":"1"})", R"({"op":"erase","address":1})", "[1]", "nonsense",
        R"({"op":"write","address":1,"words":[1.5]})"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(std::holds_alternative<std::string>(control::parse_control_request(bad)));
  }
  EXPECT_EQ(std::get<std::string>(control::parse_control_request(std::string(1000, '{'))),
            "bad request: nested deeper than 64 levels");
}

}  // namespace
}  // namespace mtec
