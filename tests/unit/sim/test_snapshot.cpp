// The simulator's words: a snapshot file, a case file's "snapshot" or a
// recording of frames (later lines winning), typed errors naming the file,
// line and address, and plausible built-in values for every register.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "golden.hpp"
#include "mtec/base/errors.hpp"
#include "mtec/sim/snapshot.hpp"

namespace mtec::sim::snapshot_test {

using test::golden;
using test::golden_dir;
using test::project_catalog;

class SimSnapshot : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    const auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }
  // The error load_snapshot throws for `text`.
  Error error_of(const std::string& text) {
    const auto p = file("bad.json", text);
    try {
      load_snapshot(p);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "accepted: " << text;
    return Error(ErrorClass::software, "");
  }

 private:
  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("mtec-sim-snapshot-" + std::to_string(::getpid()));
};

using Words = std::vector<uint16_t>;

TEST_F(SimSnapshot, AnObjectOfAddressesAndWords) {
  const auto s = load_snapshot(file("s.json", R"({"10000": [77, 84], "33000": []})"));
  EXPECT_EQ(s, (Snapshot{{10000, {77, 84}}, {33000, {}}}));
}

TEST_F(SimSnapshot, ACaseFileServesItsSnapshot) {
  const auto s = load_snapshot(golden_dir() + "/case_A.json");
  EXPECT_EQ(s.size(), 86u);
  const auto& words = golden("case_A.json")["snapshot"]["10000"];
  EXPECT_EQ(s.at(10000), words.get<Words>());
}

TEST_F(SimSnapshot, ARecordingServesItsRawWordsLaterLinesWinning) {
  const auto p = file("r.ndjson", R"({"group":"now-base","raw":{"11000":[1,2]}})"
                                  "\n\n"
                                  R"({"group":"now-base","raw":{"11000":[3,4],"11016":[5]}})"
                                  "\n");
  EXPECT_EQ(load_snapshot(p), (Snapshot{{11000, {3, 4}}, {11016, {5}}}));
  const auto one = file("one.json", R"({"group":"day","raw":{"31000":[9]}})");
  EXPECT_EQ(load_snapshot(one), (Snapshot{{31000, {9}}}));
}

TEST_F(SimSnapshot, BadInputIsATypedErrorNamingWhere) {
  try {
    load_snapshot("/nonexistent/s.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::no_input);
    EXPECT_STREQ(e.what(), "cannot read snapshot /nonexistent/s.json");
  }
  auto says = [this](const std::string& text, const std::string& part) {
    const auto e = error_of(text);
    EXPECT_EQ(e.cls(), ErrorClass::data) << text;
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  };
  says(R"({"10000": [70000]})", "bad.json: address 10000: 70000 is not a 16-bit word");
  says(R"({"10000": [-1]})", "-1 is not a 16-bit word");
  says(R"({"x": [1]})", "'x' is not a register address 0..65535");
  says(R"({"65536": [1]})", "'65536' is not a register address");
  says(R"({"10000": 5})", "address 10000: words must be an array");
  says(R"({"65535": [1, 2]})", "address 65535: words run past 65535");
  says(R"([1, 2])", "a snapshot is an object");
  says("{nope", "invalid JSON");
  says("{\"group\":\"day\"}\nnot json\n", "bad.json:2: not a frame");
  says("{\"group\":\"day\"}\n{\"group\":\"day\"}\n", "no raw words in the recording");
}

TEST(SimBuiltinSnapshot, EveryRegisterHasPlausibleWords) {
  const auto& catalog = project_catalog();
  const auto s = builtin_snapshot(catalog);
  for (const auto& r : catalog.entries()) {
    if (!r.address) continue;
    ASSERT_TRUE(s.count(*r.address)) << r.key;
    EXPECT_EQ(s.at(*r.address).size(), static_cast<size_t>(r.length)) << r.key;
  }
  const Words serial = s.at(10000);
  EXPECT_EQ(serial[0], ('M' << 8) | 'T');
  EXPECT_EQ(serial[1], ('E' << 8) | 'C');
  const Register* freq = catalog.by_mqtt("grid_fequency");  // the catalog's spelling
  ASSERT_NE(freq, nullptr);
  EXPECT_EQ(s.at(*freq->address).back(), 50 * freq->scale);
}

}  // namespace mtec::sim::snapshot_test
