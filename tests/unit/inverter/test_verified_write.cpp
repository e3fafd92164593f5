// mtec-write's single write against a fake register store: the result line,
// the log line and the error of each outcome.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>

#include "captured_log.hpp"
#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/inverter/verified_write.hpp"

namespace mtec::verified_write_test {
namespace {

// Words by address; the next write may be refused, lost (outcome unknown)
// or applied; with `unreachable` nothing answers.
struct Store final : control::RegisterIO {
  std::map<uint16_t, uint16_t> words;
  enum class Write { apply, lose, refuse } next = Write::apply;
  bool unreachable = false;
  int writes = 0;

  std::vector<uint16_t> read(uint16_t address, uint16_t count) override {
    if (unreachable) throw Error(ErrorClass::unavailable, "connection refused");
    std::vector<uint16_t> out;
    for (uint16_t a = address; a < address + count; ++a) out.push_back(words[a]);
    return out;
  }
  std::vector<uint16_t> write_and_read_back(uint16_t address, const std::vector<uint16_t>& w,
                                            bool) override {
    ++writes;
    if (next == Write::refuse) throw modbus::ModbusError(ErrorClass::unavailable, "exception", 4);
    for (size_t i = 0; i < w.size(); ++i) words[static_cast<uint16_t>(address + i)] = w[i];
    if (next == Write::lose)
      throw control::OutcomeUnknown(ErrorClass::temp_fail, "no reply within 1000 ms");
    return read(address, static_cast<uint16_t>(w.size()));
  }
  std::string describe() const override { return "the store"; }
};

struct VerifyRig {
  Store io;
  test::CapturedLog captured{"mtec-write"};
  const Logger& log = captured.log;
  std::vector<nlohmann::json> lines;
  const EncodedWrite w = encode_write(test::project_catalog(), "mode", "Economic mode");

  // The write; the error it threw, if any.
  std::optional<Error> write() {
    try {
      write_verified(io, w, false, log, [this](const nlohmann::json& j) { lines.push_back(j); });
    } catch (const Error& e) {
      return e;
    }
    return std::nullopt;
  }
  std::string logged() const { return captured.text(); }
};

TEST(VerifiedWrite, AppliedWriteReportsItsLineAndLogsItsReadBack) {
  VerifyRig rig;
  EXPECT_FALSE(rig.write());
  ASSERT_EQ(rig.lines.size(), 1u);
  EXPECT_EQ(rig.lines[0]["outcome"], "applied");
  EXPECT_EQ(rig.lines[0]["ok"], true);
  EXPECT_EQ(rig.io.words[50000], 258);
  EXPECT_NE(rig.logged().find("notice: wrote mode (50000) = Economic mode: words 0x0102, read "
                              "back 0x0102 via the store"),
            std::string::npos)
      << rig.logged();
}

TEST(VerifiedWrite, ARegisterHoldingTheValueIsNotWritten) {
  VerifyRig rig;
  rig.io.words[50000] = 258;
  EXPECT_FALSE(rig.write());
  EXPECT_EQ(rig.io.writes, 0);
  ASSERT_EQ(rig.lines.size(), 1u);
  EXPECT_EQ(rig.lines[0]["outcome"], "unchanged");
  EXPECT_NE(rig.logged().find("mode (50000) holds Economic mode already: not written"),
            std::string::npos)
      << rig.logged();
}

TEST(VerifiedWrite, AnUnknownOutcomeThrowsSayingItMayHaveBeenAppliedWithAHint) {
  VerifyRig rig;
  rig.io.next = Store::Write::lose;
  const auto e = rig.write();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cls(), ErrorClass::temp_fail);
  EXPECT_STREQ(e->what(),
               "mode (50000) = Economic mode: outcome unknown, it may have been applied: no reply "
               "within 1000 ms");
  EXPECT_EQ(e->hint(), "check it with: mtec-read mode");
  ASSERT_EQ(rig.lines.size(), 1u);
  EXPECT_EQ(rig.lines[0]["outcome"], "unknown");
}

TEST(VerifiedWrite, ARefusedWriteReportsFailedAndThrowsItsError) {
  VerifyRig rig;
  rig.io.next = Store::Write::refuse;
  const auto e = rig.write();
  ASSERT_TRUE(e);
  EXPECT_STREQ(e->what(), "exception");
  ASSERT_EQ(rig.lines.size(), 1u);
  EXPECT_EQ(rig.lines[0]["outcome"], "failed");
  EXPECT_EQ(rig.lines[0]["ok"], false);
}

TEST(VerifiedWrite, NothingSentReportsNoLineAndThrows) {
  VerifyRig rig;
  rig.io.unreachable = true;
  const auto e = rig.write();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cls(), ErrorClass::unavailable);
  EXPECT_TRUE(rig.lines.empty());
  EXPECT_EQ(rig.logged(), "");
}

}  // namespace
}  // namespace mtec::verified_write_test
