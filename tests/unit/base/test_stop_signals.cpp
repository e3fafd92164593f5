// StopSignals: SIGTERM becomes a readable descriptor that ends a LineInput
// wait (and the process lives on).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "mtec/base/line_input.hpp"
#include "mtec/base/stop_signals.hpp"

namespace mtec {
namespace {

TEST(StopSignals, NothingYetIsATimeoutAndAStopSignalTheEnd) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Logger log("t", Logger::Format::text, false, std::tmpfile());
  const StopSignals stop;
  LineInput in(p[0], stop.fd(), log, {});
  std::string line;
  EXPECT_EQ(in.next(line, 0), LineInput::Status::timeout);
  EXPECT_FALSE(stop.pending());
  ::raise(SIGTERM);  // blocked: it waits on the descriptor
  EXPECT_TRUE(stop.pending());
  EXPECT_EQ(in.next(line, -1), LineInput::Status::end);
  char buf[128];  // consume it: the next test starts with nothing pending
  EXPECT_GT(::read(stop.fd(), buf, sizeof buf), 0);
  ::close(p[0]);
  ::close(p[1]);
}

}  // namespace
}  // namespace mtec
