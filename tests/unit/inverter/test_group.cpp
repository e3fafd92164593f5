// The groups: every wire name parses back to its group, the list is the
// catalog's, and text from outside that is no group's exact name is refused.
#include <gtest/gtest.h>

#include <iterator>
#include <set>

#include "golden.hpp"
#include "mtec/inverter/group.hpp"

namespace mtec {
namespace {

TEST(Group, EveryNameParsesBackToItsGroup) {
  std::set<std::string_view> names;
  for (const Group g : kAllGroups) {
    names.insert(group_name(g));
    EXPECT_EQ(parse_group(group_name(g)), g) << group_name(g);
  }
  EXPECT_EQ(names.size(), std::size(kAllGroups));  // no two groups share a name
}

TEST(Group, TheWireNamesInScheduleOrder) {
  EXPECT_EQ(all_group_names(), (std::vector<std::string>{
                                   "now-base", "config", "now-grid", "now-inverter", "now-backup",
                                   "now-battery", "now-pv", "day", "total", "static"}));
  EXPECT_EQ(group_names({Group::statics, Group::now_base}),
            (std::vector<std::string>{"static", "now-base"}));
}

TEST(Group, OnlyAnExactNameParses) {
  const std::string_view texts[] = {"",          "now",      "Now-Base",
                                    "now-base ", " static",  "now_base",
                                    "statics",   "static\n", std::string_view("day\0", 4)};
  for (const std::string_view text : texts) EXPECT_EQ(parse_group(text), std::nullopt) << text;
}

TEST(Group, EveryGroupHasRegistersInTheCatalog) {
  for (const Group g : kAllGroups)
    EXPECT_FALSE(test::project_catalog().group(g).empty()) << group_name(g);
}

}  // namespace
}  // namespace mtec
