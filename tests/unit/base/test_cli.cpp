// run_main maps what a tool throws to the exit codes of mtec(7); ToolCli
// parses the shared options.
#include <gtest/gtest.h>

#include <stdexcept>

#include "mtec/base/cli.hpp"
#include "mtec/base/errors.hpp"

namespace mtec {
namespace {

char arg0[] = "mtec-x";
char* argv0[] = {arg0, nullptr};

int run(const std::function<int()>& body) { return run_main("mtec-x", 1, argv0, body); }

TEST(Cli, RunMainMapsErrorsToExitCodes) {
  EXPECT_EQ(run([] { return 0; }), 0);
  EXPECT_EQ(run([] { return 3; }), 3);
  EXPECT_EQ(run([]() -> int { throw Error(ErrorClass::config, "bad config"); }), 78);
  EXPECT_EQ(run([]() -> int {
              Error e(ErrorClass::unavailable, "refused");
              e.set_hint("try 5743");
              throw e;
            }),
            69);
  EXPECT_EQ(run([]() -> int { throw std::out_of_range("a bug"); }), 70);
  EXPECT_EQ(run([]() -> int { throw std::bad_alloc(); }), 70);
}

TEST(Cli, ToolCliParsesLogOptionsAndMapsBadOnesTo64) {
  char v[] = "-vv", json[] = "--log-format=json";
  char* argv[] = {arg0, v, json, nullptr};
  ToolCli cli("mtec-x", "A test tool.");
  const Logger log = cli.parse(3, argv);
  EXPECT_EQ(log.threshold(), Level::debug);
  EXPECT_EQ(cli.log_options.format, "json");
  char bogus[] = "--bogus";
  char* bad[] = {arg0, bogus, nullptr};
  EXPECT_EQ(run_main("mtec-x", 2, bad,
                     [&] {
                       ToolCli c("mtec-x", "A test tool.");
                       c.parse(2, bad);
                       return 0;
                     }),
            64);
}

}  // namespace
}  // namespace mtec
