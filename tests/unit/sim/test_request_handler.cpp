// The simulated device's answers: reads give the words, writes (0x06, 0x10)
// change them (or, with --ignore-writes, are acknowledged only) and are
// logged with the injected time; other function codes, malformed requests,
// addresses outside the map or the catalog (--strict-map) and the injected
// exceptions get exception replies; another unit id gets no answer; every
// request is logged; the animation is asked before every read only.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mtec/sim/request_handler.hpp"

namespace mtec::sim::request_handler_test {

using Bytes = std::vector<uint8_t>;

// An in-memory FILE* whose NDJSON lines can be read back.
class Log {
 public:
  Log() : f_(open_memstream(&buf_, &len_)) {}
  ~Log() {
    std::fclose(f_);
    std::free(buf_);
  }
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;
  FILE* file() { return f_; }
  std::vector<nlohmann::json> lines() {
    std::fflush(f_);
    std::istringstream in(std::string(buf_, len_));
    std::vector<nlohmann::json> out;
    for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
    return out;
  }

 private:
  char* buf_ = nullptr;
  size_t len_ = 0;
  FILE* f_;
};

const Snapshot kWords = {{10000, {0x4D54, 0x4543}}, {50000, {1, 2, 3}}};

struct Device {
  Log writes, requests;
  Faults faults;
  RequestHandler handler;
  explicit Device(DeviceOptions o = {}, FaultOptions f = {})
      : faults(std::move(f), modbus::Framer::tcp),
        handler(with_logs(std::move(o)), kWords, faults) {}
  DeviceOptions with_logs(DeviceOptions o) {
    o.write_log = writes.file();
    o.request_log = requests.file();
    o.now_ms = [] { return int64_t{1764680000123}; };
    return o;
  }
  Bytes ask(const Bytes& pdu, int unit = 247) { return handler.answer(pdu, unit).value(); }
};

TEST(SimRequestHandler, ReadsGiveTheWords) {
  Device d;
  EXPECT_EQ(d.ask({0x03, 0x27, 0x10, 0, 2}), (Bytes{0x03, 4, 0x4D, 0x54, 0x45, 0x43}));
  EXPECT_TRUE(d.writes.lines().empty());
}

TEST(SimRequestHandler, WritesChangeTheWordsAndAreLogged) {
  Device d;
  EXPECT_EQ(d.ask({0x06, 0xC3, 0x50, 0x01, 0x02}), (Bytes{0x06, 0xC3, 0x50, 0x01, 0x02}));
  EXPECT_EQ(d.ask({0x10, 0xC3, 0x51, 0, 2, 4, 0, 7, 0, 8}), (Bytes{0x10, 0xC3, 0x51, 0, 2}));
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x50, 0, 3}), (Bytes{0x03, 6, 0x01, 0x02, 0, 7, 0, 8}));
  const auto w = d.writes.lines();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(
      w[0].dump(),
      R"({"address":50000,"applied":true,"function":6,"ts_ms":1764680000123,"unit":247,"words":[258]})");
  EXPECT_EQ(w[1]["words"], nlohmann::json::array({7, 8}));
  EXPECT_EQ(w[1]["function"], 16);
}

TEST(SimRequestHandler, IgnoredWritesAreAcknowledgedAndLoggedButKeepTheWords) {
  DeviceOptions o;
  o.ignore_writes = true;
  Device d(o);
  EXPECT_EQ(d.ask({0x06, 0xC3, 0x50, 0x01, 0x02}), (Bytes{0x06, 0xC3, 0x50, 0x01, 0x02}));
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x50, 0, 1}), (Bytes{0x03, 2, 0, 1}));
  EXPECT_EQ(d.writes.lines().at(0)["applied"], false);
}

TEST(SimRequestHandler, WhatTheDeviceCannotDoGetsAnException) {
  Device d;
  EXPECT_EQ(d.ask({0x04, 0x27, 0x10, 0, 1}), (Bytes{0x84, 1}));           // function
  EXPECT_EQ(d.ask({0x03, 0x27}), (Bytes{0x83, 3}));                       // too short
  EXPECT_EQ(d.ask({}), (Bytes{0x80, 3}));                                 // empty
  EXPECT_EQ(d.ask({0x10, 0xC3, 0x50, 0, 1, 4, 0, 1}), (Bytes{0x90, 3}));  // byte count
  EXPECT_EQ(d.ask({0x03, 0x27, 0x0F, 0, 1}), (Bytes{0x83, 2}));           // below the map
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x52, 0, 2}), (Bytes{0x83, 2}));           // past its end
  EXPECT_EQ(d.ask({0x03, 0x27, 0x10, 0, 0}), (Bytes{0x83, 2}));           // no words
  EXPECT_EQ(d.ask({0x03, 0x27, 0x10, 0, 126}), (Bytes{0x83, 2}));         // too many
  EXPECT_TRUE(d.writes.lines().empty());
}

TEST(SimRequestHandler, InjectedExceptionsComeFirst) {
  FaultOptions f;
  f.exceptions = {{10001, 4}, {9000, 11}};
  Device d({}, f);
  EXPECT_EQ(d.ask({0x03, 0x27, 0x10, 0, 2}), (Bytes{0x83, 4}));
  EXPECT_EQ(d.ask({0x03, 0x27, 0x10, 0, 1}), (Bytes{0x03, 2, 0x4D, 0x54}));
  EXPECT_EQ(d.ask({0x06, 0x27, 0x11, 0, 1}), (Bytes{0x86, 4}));
  EXPECT_EQ(d.ask({0x03, 0x23, 0x28, 0, 1}), (Bytes{0x83, 11}));  // outside the map
}

TEST(SimRequestHandler, AStrictMapRefusesWordsOutsideTheCatalog) {
  DeviceOptions o;
  o.strict_map = true;
  o.mapped = {50000, 50001};
  Device d(o);
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x50, 0, 2}), (Bytes{0x03, 4, 0, 1, 0, 2}));
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x50, 0, 3}), (Bytes{0x83, 2}));
  EXPECT_EQ(d.ask({0x06, 0xC3, 0x52, 0, 3}), (Bytes{0x86, 2}));
}

TEST(SimRequestHandler, AnotherUnitGetsNoAnswerAndEveryRequestIsLogged) {
  Device d;
  EXPECT_EQ(d.handler.answer(Bytes{0x03, 0x27, 0x10, 0, 1}, 1), std::nullopt);
  d.ask({0x03, 0x27, 0x0F, 0, 1});
  d.ask({0x06, 0xC3, 0x50, 0, 9});
  const auto r = d.requests.lines();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].dump(), R"({"address":10000,"count":1,"function":3,"unit":1})");
  EXPECT_EQ(r[1].dump(), R"({"address":9999,"count":1,"exception":2,"function":3,"unit":247})");
  EXPECT_EQ(r[2].dump(), R"({"address":50000,"count":1,"function":6,"unit":247})");
}

TEST(SimRequestHandler, TheAnimationIsAskedBeforeEveryReadOnly) {
  int asked = 0;
  DeviceOptions o;
  o.animate = [&] {
    ++asked;
    return Snapshot{{50002, {static_cast<uint16_t>(40 + asked)}}};
  };
  Device d(o);
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x52, 0, 1}), (Bytes{0x03, 2, 0, 41}));
  EXPECT_EQ(d.ask({0x03, 0xC3, 0x52, 0, 1}), (Bytes{0x03, 2, 0, 42}));
  d.ask({0x06, 0xC3, 0x50, 0, 9});
  d.ask({0x03, 0x27, 0x0F, 0, 1});  // refused: not asked
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(d.handler.registers().words(50000, 1)[0], 9);
}

}  // namespace mtec::sim::request_handler_test
