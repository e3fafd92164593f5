// report_read: a read's failures as a person should see them.
#include <gtest/gtest.h>

#include "mtec/inverter/read_report.hpp"

namespace mtec {
namespace {

FrameError err(uint16_t start, ErrorClass cls, std::string message, int exception = 0) {
  return {start, 8, {"k"}, cls, std::move(message), exception};
}

modbus::Endpoint ep(int port = 1502, uint8_t unit = 7) {
  return {"127.0.0.1",        port, std::nullopt, unit, std::chrono::milliseconds(5000),
          modbus::Framer::tcp};
}

TEST(ReadReport, TimeoutsAreOneLineNamingWhatWasAskedWithTheProbeHint) {
  ReadOutcome o;
  o.errors = {
      err(10000, ErrorClass::temp_fail,
          "127.0.0.1:1502: read 10000..10007: no reply within 5000 ms (tried 2 times)"),
      err(10100, ErrorClass::temp_fail, "not tried: the read's time budget of 10000 ms is spent"),
      err(11000, ErrorClass::temp_fail, "not tried: the read's time budget of 10000 ms is spent")};
  o.untried = 2;  // as read_registers counts them
  o.first_failure_tries = 2;
  const auto r = report_read(o, "grid_power", ep(), "127.0.0.1:1502");
  EXPECT_TRUE(r.refusals.empty());
  EXPECT_EQ(r.failure,
            "no reply from 127.0.0.1:1502 within 5000 ms reading grid_power (unit 7, tcp framing; "
            "tried 2 times); 2 more requests without data");
  EXPECT_EQ(r.failure.find("10000"), std::string::npos);  // not the serial the tool asked first
  EXPECT_EQ(r.failure.find("lost"), std::string::npos);
  EXPECT_NE(r.hint.find("MODBUS_SLAVE (7)"), std::string::npos);
  EXPECT_NE(r.hint.find("mtec-read --probe 127.0.0.1"), std::string::npos);
}

TEST(ReadReport, TriesCutShortByTheBudgetSaySoAndAgreeWithTheRetries) {
  ReadOutcome o;
  o.errors = {
      err(10000, ErrorClass::temp_fail, "no reply"),
      err(10100, ErrorClass::temp_fail, "not tried: the read's time budget of 10000 ms is spent")};
  o.untried = 1;
  o.first_failure_tries = 2;
  o.first_failure_allowed = 4;  // MODBUS_RETRIES 3
  o.budget = std::chrono::milliseconds(10000);
  EXPECT_EQ(report_read(o, "grid_power", ep(), "h:1").failure,
            "no reply from h:1 within 5000 ms reading grid_power (unit 7, tcp framing; tried 2 of "
            "4 times: the read's time budget of 10000 ms is spent); 1 more request without data");
}

TEST(ReadReport, RefusalsStayOneLineEachAndPartialTimeoutsGiveNoHint) {
  ReadOutcome o;
  o.words[nullptr] = {1};  // something was read
  o.errors = {
      err(10100, ErrorClass::unavailable, "read 10100..10107: exception reply: illegal address", 2),
      err(11000, ErrorClass::temp_fail, "x: read 11000..11007: no reply within 5000 ms")};
  const auto r = report_read(o, "now-base", ep(), "h:1");
  ASSERT_EQ(r.refusals.size(), 1u);
  EXPECT_NE(r.refusals[0].find("exception reply"), std::string::npos);
  EXPECT_EQ(r.failure, "no reply from h:1 within 5000 ms reading now-base (unit 7, tcp framing)");
  EXPECT_EQ(r.hint, "");
}

TEST(ReadReport, ALostConnectionIsCalledOneAndBadRepliesHint) {
  ReadOutcome lost;
  lost.errors = {err(10000, ErrorClass::unavailable,
                     "h:1: read 10000..10007: connection closed by the device")};
  const auto l = report_read(lost, "static", ep(), "h:1");
  EXPECT_EQ(
      l.failure,
      "lost the inverter reading static: h:1: read 10000..10007: connection closed by the device");
  EXPECT_EQ(l.hint, "");
  ReadOutcome bad;
  bad.errors = {
      err(10000, ErrorClass::protocol, "h:1: read 10000..10007: bad reply: wrong unit id")};
  const auto b = report_read(bad, "static", ep(), "h:1");
  EXPECT_EQ(b.failure.rfind("bad reply reading static: ", 0), 0u);
  EXPECT_NE(b.hint.find("MODBUS_FRAMER (tcp)"), std::string::npos);
}

TEST(ReadReport, NoFailuresNoLines) {
  const auto r = report_read({}, "static", ep(), "h:1");
  EXPECT_TRUE(r.refusals.empty());
  EXPECT_EQ(r.failure, "");
  EXPECT_EQ(r.hint, "");
}

TEST(ReadReport, NameList) {
  EXPECT_EQ(name_list({"a"}), "a");
  EXPECT_EQ(name_list({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(name_list({"a", "b", "c", "d", "e"}), "a, b, c and 2 more");
}

}  // namespace
}  // namespace mtec
