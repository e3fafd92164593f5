// The command path: a /set command becomes one line in the commands FIFO;
// a full FIFO drops the new command whole; bad commands are refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "commands_fifo.hpp"
#include "fake_transport.hpp"
#include "golden.hpp"
#include "mtec/mqtt/command_relay.hpp"

namespace mtec::mqtt {
namespace relay_tests {

using namespace fake;

class CommandRelayTest : public ::testing::Test {
 protected:
  const std::string topic_ =
      "MTEC/S1/" + std::string(group_name(test::project_catalog().find("charge_limit")->group)) +
      "/charge_limit/set";
  CommandsFifo fifo_;
  FakeClock clock_;
  CapturedLog log_;
  RepeatedWarnings repeats_{log_.log, [this] { return clock_.steady; }};
};

TEST_F(CommandRelayTest, AnAcceptedCommandIsOneLineInTheFifo) {
  CommandRelay relay(test::project_catalog(), fifo_.path(), "MTEC", log_.log, repeats_,
                     [this] { return clock_.wall; });
  relay.relay(topic_, "20", "S1");
  const std::string line = fifo_.drain();
  EXPECT_EQ(line.rfind(R"({"ts":"2027-01-15T08:00:00.000Z","key":"charge_limit","value":"20",)", 0),
            0u)
      << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

TEST_F(CommandRelayTest, AFullFifoDropsTheNewCommandWholeAndTellsWhenThereIsRoomAgain) {
  CommandRelay relay(test::project_catalog(), fifo_.path(), "MTEC", log_.log, repeats_,
                     [this] { return clock_.wall; });
  relay.relay(topic_, "20", "S1");  // opens the FIFO
  const int filler = ::open(fifo_.path().c_str(), O_WRONLY | O_NONBLOCK);
  ASSERT_GE(filler, 0);
  const std::string block(4096, 'x');
  while (::write(filler, block.data(), block.size()) > 0) {
  }
  ::close(filler);
  relay.relay(topic_, "21", "S1");
  relay.relay(topic_, "22", "S1");
  EXPECT_TRUE(log_.has("command charge_limit = '21' dropped: " + fifo_.path() +
                       " is full (mtec-write is behind)"))
      << log_.text();
  EXPECT_FALSE(log_.has("'22' dropped"));  // told once per episode
  const std::string before = fifo_.drain();
  EXPECT_EQ(before.find("\"value\":\"21\""), std::string::npos);  // nothing of it, not half
  relay.relay(topic_, "23", "S1");
  EXPECT_NE(fifo_.drain().find("\"value\":\"23\""), std::string::npos);
  EXPECT_TRUE(log_.has(fifo_.path() + " has room again: 2 commands dropped while it was full"));
}

TEST_F(CommandRelayTest, AFifoThatCannotBeOpenedDropsTheCommandAndSaysWhy) {
  CommandRelay relay(test::project_catalog(), (fifo_.dir() / "no/such/dir").string(), "MTEC",
                     log_.log, repeats_, [this] { return clock_.wall; });
  relay.relay(topic_, "20", "S1");
  EXPECT_TRUE(log_.has("command charge_limit = '20' dropped: cannot open"));
}

TEST_F(CommandRelayTest, WithoutCommandsOutAnAcceptedCommandIsOnlyTold) {
  CommandRelay relay(test::project_catalog(), "", "MTEC", log_.log, repeats_,
                     [this] { return clock_.wall; });
  relay.relay(topic_, "20", "S1");
  EXPECT_TRUE(log_.has("command charge_limit = '20' accepted but there is no --commands-out"));
}

TEST_F(CommandRelayTest, UnknownKeysAndOversizePayloadsAreRejectedOtherTopicsIgnored) {
  CommandRelay relay(test::project_catalog(), fifo_.path(), "MTEC", log_.log, repeats_,
                     [this] { return clock_.wall; });
  relay.relay("MTEC/S1/now-base/nosuch/set", "1", "S1");
  relay.relay(topic_, std::string(100, '1'), "S1");
  relay.relay("MTEC/S2/config/charge_limit/set", "20", "S1");  // another serial
  relay.relay("MTEC/S2/config/charge_limit/set", "20", "S1");  // warned once
  EXPECT_EQ(fifo_.drain(), "");
  EXPECT_TRUE(log_.has("rejected: unknown register 'nosuch'"));
  EXPECT_TRUE(log_.has("rejected: a payload of 100 bytes (at most 64)"));
  const std::string text = log_.text();
  const std::string ignored = "ignored a command on MTEC/S2/config/charge_limit/set";
  EXPECT_NE(text.find(ignored), std::string::npos) << text;
  EXPECT_EQ(text.find(ignored), text.rfind(ignored));
}

}  // namespace relay_tests
}  // namespace mtec::mqtt
