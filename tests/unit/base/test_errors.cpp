// The exit codes: one table (errors.hpp), and the systemd units' list of codes
// that a restart cannot fix taken from it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "mtec/base/errors.hpp"

namespace mtec {
namespace {

std::set<int> restart_prevented(const std::string& unit) {
  std::ifstream in(std::string(MTEC_SOURCE_DIR) + "/scripts/systemd/" + unit);
  std::string line;
  std::set<int> codes;
  while (std::getline(in, line)) {
    if (line.rfind("RestartPreventExitStatus=", 0) != 0) continue;
    std::istringstream words(line.substr(line.find('=') + 1));
    for (int c; words >> c;) codes.insert(c);
  }
  return codes;
}

TEST(Errors, UnitsPreventRestartForExactlyTheCodesARestartCannotFix) {
  std::set<int> expected;
  for (const ErrorClass c : kAllErrorClasses)
    if (restart_cannot_fix(c)) expected.insert(exit_code(c));
  EXPECT_EQ(expected, (std::set<int>{64, 65, 66, 73, 77, 78}));
  for (const char* unit : {"mtec2mqtt.service.in", "mtec2mqtt@.service.in"}) {
    SCOPED_TRACE(unit);
    EXPECT_EQ(restart_prevented(unit), expected);
  }
}

TEST(Errors, EveryClassHasAnExitCodeAndAName) {
  std::set<int> codes;
  for (const ErrorClass c : kAllErrorClasses) {
    EXPECT_TRUE(codes.insert(exit_code(c)).second);
    EXPECT_NE(class_name(c), "unknown");
  }
  EXPECT_EQ(codes.size(), 11u);
}

TEST(Errors, EveryNameParsesBackOnlyAnExactNameParses) {
  for (const ErrorClass c : kAllErrorClasses) EXPECT_EQ(parse_class_name(class_name(c)), c);
  for (const char* other : {"", "unknown", "Timeout", "temp_fail", "no_perm", "timeout "})
    EXPECT_EQ(parse_class_name(other), std::nullopt) << other;
}

}  // namespace
}  // namespace mtec
