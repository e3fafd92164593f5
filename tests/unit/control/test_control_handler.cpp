// Control requests executed on the reader's connection against a scripted
// device: reads, writes with their read-back, refusals, no inverter.
#include <gtest/gtest.h>

#include <cstdio>

#include "mtec/control/control_handler.hpp"
#include "one_register_device.hpp"
#include "parsed_request.hpp"
#include "scripted_device.hpp"

namespace mtec::control {
namespace {

using modbus::ScriptedDevice;

struct Fixture {
  FILE* out = std::tmpfile();
  Logger log{"test", Logger::Format::text, false, out};
  ~Fixture() { std::fclose(out); }
};

TEST(Control, ReadAndWriteOnTheReadersConnection) {
  test::OneRegister dev;
  ScriptedDevice device([&](const auto& q, int) { return dev.reply(q); });
  Fixture f;
  f.log.set_threshold(Level::info);
  modbus::Client client(test::loopback_endpoint(device.port()));
  modbus::Link link(client, f.log, [] { return 0.5; });
  const TimePoint t0{};
  const auto read =
      execute_control(parsed(R"({"op":"read","address":50000})"), client, link, t0, f.log);
  EXPECT_EQ(read.dump(), R"({"address":50000,"ok":true,"words":[257]})");
  const auto write = execute_control(parsed(R"({"op":"write","address":50000,"words":[258]})"),
                                     client, link, t0, f.log);
  EXPECT_EQ(write.dump(), R"({"address":50000,"ok":true,"read_back":[258],"words":[258]})");
  EXPECT_EQ(dev.word, 258);
  dev.refuse_writes = true;
  const auto refused = execute_control(parsed(R"({"op":"write","address":50000,"words":[1]})"),
                                       client, link, t0, f.log);
  EXPECT_EQ(refused["ok"], false);
  EXPECT_EQ(refused["class"], "unavailable");
  EXPECT_EQ(refused["exception"], 3);
  EXPECT_TRUE(client.connected());  // an exception is an answer: the link stays
  EXPECT_FALSE(link.down());
}

TEST(Control, AnUnreachableInverterIsUnavailable) {
  int port;
  {
    ScriptedDevice gone([](const auto& q, int) { return q; });
    port = gone.port();
  }  // closed: the port refuses now
  Fixture f;
  modbus::Client client(test::loopback_endpoint(port));
  modbus::Link link(client, f.log, [] { return 0.5; });
  const auto r =
      execute_control(parsed(R"({"op":"read","address":1})"), client, link, TimePoint{}, f.log);
  EXPECT_EQ(r.dump(),
            R"({"class":"unavailable","error":"the inverter is not reachable now","ok":false})");
  EXPECT_TRUE(link.down());
}

}  // namespace
}  // namespace mtec::control
