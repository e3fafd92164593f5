// The write safety rules of encode_write: labels or their codes for
// registers with labels, ranges, --raw for experts.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/inverter/command.hpp"

namespace mtec {
namespace {

std::string refusal(const std::string& key, const std::string& text,
                    WriteMode mode = WriteMode::checked) {
  try {
    encode_write(test::project_catalog(), key, text, mode);
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::data) << e.what();
    return e.what();
  }
  ADD_FAILURE() << key << " = " << text << " was accepted";
  return {};
}

TEST(Command, AnEnumTakesALabelOrOneOfTheLabelsCodes) {
  const auto& c = test::project_catalog();
  EXPECT_EQ(encode_write(c, "mode", "Economic mode").words, std::vector<uint16_t>{258});
  EXPECT_EQ(encode_write(c, "mode", "258").words, std::vector<uint16_t>{258});
  EXPECT_EQ(encode_write(c, "mode", " 512 ").words, std::vector<uint16_t>{512});
  const auto m = refusal("mode", "3");
  EXPECT_NE(m.find("'3' is none of its labels or their codes"), std::string::npos) << m;
  EXPECT_NE(m.find("'Economic mode' (258)"), std::string::npos) << m;
  refusal("mode", "258.0");
  refusal("mode", "0");
}

TEST(Command, RawWritesAnyWordOfTheTypeAndNothingElse) {
  const auto& c = test::project_catalog();
  const auto w = encode_write(c, "mode", "3", WriteMode::raw_word);
  EXPECT_EQ(w.words, std::vector<uint16_t>{3});
  EXPECT_EQ(encode_write(c, "mode", "65535", WriteMode::raw_word).words,
            std::vector<uint16_t>{65535});
  refusal("mode", "65536", WriteMode::raw_word);
  refusal("mode", "Economic mode", WriteMode::raw_word);
  refusal("mode", "1.5", WriteMode::raw_word);
  EXPECT_THROW(encode_write(c, "battery_soc", "1", WriteMode::raw_word), Error);  // read-only
}

TEST(Command, HugeNumbersAreRefusedWithoutOverflow) {
  for (const char* v : {"9223372036854775807", "-9223372036854775808", "1e308", "-1e308"}) {
    SCOPED_TRACE(v);
    refusal("charge_limit", v);
  }
}

}  // namespace
}  // namespace mtec
