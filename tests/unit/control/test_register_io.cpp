// mtec-write's two ways to the inverter give the same results: its own
// connection, and the control socket of a reader that owns the connection.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "mtec/base/errors.hpp"
#include "mtec/control/control.hpp"
#include "mtec/control/control_handler.hpp"
#include "mtec/control/register_io.hpp"
#include "one_register_device.hpp"
#include "scripted_device.hpp"

namespace mtec::control {
namespace {

TEST(RegisterIO, DirectWritesAndReadsBack) {
  test::OneRegister dev;
  modbus::ScriptedDevice device([&](const auto& q, int) { return dev.reply(q); });
  auto io = direct_io(test::loopback_endpoint(device.port()));
  EXPECT_EQ(io->read(50000, 1), std::vector<uint16_t>{257});
  EXPECT_EQ(io->write_and_read_back(50000, {258}), std::vector<uint16_t>{258});
  EXPECT_NE(io->describe().find("127.0.0.1:"), std::string::npos) << io->describe();
  dev.refuse_writes = true;
  try {
    io->write_and_read_back(50000, {1});
    ADD_FAILURE() << "a refused write succeeded";
  } catch (const modbus::ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 3);
  }
}

// A reader's control socket served in a thread, on a scripted device.
struct Reader {
  test::OneRegister dev;
  modbus::ScriptedDevice device{[this](const auto& q, int) { return dev.reply(q); }};
  std::string path = (std::filesystem::temp_directory_path() /
                      ("mtec-test-" + std::to_string(::getpid()) + ".sock"))
                         .string();
  ControlServer server{path};
  FILE* out = std::tmpfile();
  Logger log{"test", Logger::Format::text, false, out};
  modbus::Client client{test::loopback_endpoint(device.port())};
  modbus::Link link{client, log, [] { return 0.5; }};
  std::atomic<bool> stop{false};
  std::thread thread{[this] {
    while (!stop) {
      std::vector<pollfd> fds;
      for (int fd : server.fds()) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      for (const auto& p : fds)
        if (p.revents)
          server.on_readable(p.fd, [this](const ControlRequest& r) {
            return execute_control(r, client, link, TimePoint{}, log);
          });
    }
  }};
  ~Reader() {
    stop = true;
    thread.join();
    std::fclose(out);
  }
};

TEST(RegisterIO, ThroughTheControlSocketTheSame) {
  Reader reader;
  auto io = control_io(reader.path, std::chrono::milliseconds(2000));
  EXPECT_EQ(io->read(50000, 1), std::vector<uint16_t>{257});
  EXPECT_EQ(io->write_and_read_back(50000, {258}), std::vector<uint16_t>{258});
  EXPECT_EQ(reader.dev.word, 258);
  EXPECT_NE(io->describe().find(reader.path), std::string::npos) << io->describe();
  reader.dev.refuse_writes = true;
  try {
    io->write_and_read_back(50000, {1});
    ADD_FAILURE() << "a refused write succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::unavailable);  // the reader's class comes through
  }
}

TEST(RegisterIO, DirectErrorsCarryTheHint) {
  int port;
  {
    modbus::ScriptedDevice gone([](const auto& q, int) { return q; });
    port = gone.port();
  }  // closed: the port refuses now
  try {
    direct_io(test::loopback_endpoint(port))->read(1, 1);
    ADD_FAILURE() << "read from a refused port";
  } catch (const modbus::ModbusError& e) {
    EXPECT_TRUE(e.connection_refused());
    EXPECT_EQ(e.hint(), "check MODBUS_IP and MODBUS_PORT, or run mtec-read --probe 127.0.0.1");
  }
  // a device that never answers: the unit id or the framing
  modbus::ScriptedDevice silent([](const auto&, int) { return std::vector<uint8_t>{}; });
  auto ep = test::loopback_endpoint(silent.port());
  ep.timeout = std::chrono::milliseconds(100);
  try {
    direct_io(ep)->read(1, 1);
    ADD_FAILURE() << "read from a silent device";
  } catch (const modbus::ModbusError& e) {
    EXPECT_EQ(e.cls(), ErrorClass::temp_fail);
    EXPECT_NE(e.hint().find("MODBUS_SLAVE (247)"), std::string::npos) << e.hint();
  }
}

TEST(RegisterIO, NoReaderIsAnError) {
  try {
    control_io("/nonexistent/mtec.sock", std::chrono::milliseconds(100))->read(1, 1);
    ADD_FAILURE() << "read through no socket";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/mtec.sock"), std::string::npos);
  }
}

}  // namespace
}  // namespace mtec::control
