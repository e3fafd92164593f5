// The simulator's server on real loopback sockets (127.0.0.1, port 0): the
// library's own client reads and writes through it in Modbus TCP and RTU
// framing, sees the injected exception, is refused with --refuse; a second
// client is turned away with --single-client; a connection ends after
// --drop-after requests; the stop descriptor ends run(). The server runs in
// a thread (the client blocks) or is driven step by step; nothing sleeps.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "mtec/modbus/modbus_client.hpp"
#include "mtec/sim/server.hpp"

namespace mtec::sim::server_test {

using modbus::Framer;

const Snapshot kServed = {{10000, {0x4D54, 0x4543}}, {50000, {1, 2, 3}}};

// A pipe as the stop descriptor.
class StopPipe {
 public:
  StopPipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~StopPipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  StopPipe(const StopPipe&) = delete;
  StopPipe& operator=(const StopPipe&) = delete;
  int fd() const { return fds_[0]; }
  void stop() const { EXPECT_EQ(::write(fds_[1], "x", 1), 1); }

 private:
  int fds_[2] = {-1, -1};
};

// A server on a free port, running in a thread until destroyed; its write
// log goes to a temporary file.
class Running {
 public:
  explicit Running(ServerOptions o) : server_(on_free_port(std::move(o)), kServed, stop_.fd()) {
    thread_ = std::thread([this] { server_.run(); });
  }
  ~Running() {
    stop_.stop();
    thread_.join();
    std::fclose(write_log_);
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  modbus::Endpoint endpoint(Framer f = Framer::tcp) const {
    return {"127.0.0.1", server_.port(), std::nullopt, 247, std::chrono::milliseconds(5000), f};
  }

 private:
  ServerOptions on_free_port(ServerOptions o) const {
    o.port = 0;
    o.device.write_log = write_log_;
    return o;
  }
  StopPipe stop_;
  FILE* write_log_ = std::tmpfile();
  Server server_;
  std::thread thread_;
};

// A server on a free port with `faults`, driven by serve_step().
struct Stepped {
  StopPipe stop;
  Server server;
  explicit Stepped(FaultOptions faults = {})
      : server(options(std::move(faults)), kServed, stop.fd()) {}
  static ServerOptions options(FaultOptions faults) {
    ServerOptions o;
    o.port = 0;
    o.faults = std::move(faults);
    return o;
  }
};

// A raw client socket connected to 127.0.0.1:`port`.
int connect_raw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// Whether the peer closed `fd` (reads end of file) within `ms`.
bool closed_by_peer(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) != 1) return false;
  char c;
  return ::recv(fd, &c, 1, 0) == 0;
}

TEST(SimServer, TheLibrarysClientReadsAndWritesOverModbusTcp) {
  const Running sim(ServerOptions{});
  modbus::Client client(sim.endpoint());
  EXPECT_EQ(client.read(10000, 2), (std::vector<uint16_t>{0x4D54, 0x4543}));
  const std::vector<uint16_t> words = {7, 8};
  client.write(50001, words);
  EXPECT_EQ(client.read(50000, 3), (std::vector<uint16_t>{1, 7, 8}));
}

TEST(SimServer, TheLibrarysClientReadsOverRtuFrames) {
  ServerOptions o;
  o.rtu = true;
  const Running sim(o);
  modbus::Client client(sim.endpoint(Framer::rtu));
  EXPECT_EQ(client.read(50000, 3), (std::vector<uint16_t>{1, 2, 3}));
  const std::vector<uint16_t> one = {9};
  client.write(50002, one);
  EXPECT_EQ(client.read(50002, 1), (std::vector<uint16_t>{9}));
}

TEST(SimServer, AnInjectedExceptionReachesTheClient) {
  ServerOptions o;
  o.faults.exceptions = {{10001, 4}};
  const Running sim(o);
  modbus::Client client(sim.endpoint());
  try {
    client.read(10000, 2);
    ADD_FAILURE() << "no exception reply";
  } catch (const modbus::ModbusError& e) {
    EXPECT_EQ(e.exception_code(), 4);
  }
  EXPECT_EQ(client.read(10000, 1), (std::vector<uint16_t>{0x4D54}));  // still connected
}

TEST(SimServer, RefuseBindsButRefusesConnections) {
  FaultOptions f;
  f.refuse = true;
  Stepped sim(f);
  Server& server = sim.server;
  modbus::Client client(
      {"127.0.0.1", server.port(), std::nullopt, 247, std::chrono::milliseconds(5000)});
  try {
    client.connect();
    ADD_FAILURE() << "connected";
  } catch (const modbus::ModbusError& e) {
    EXPECT_TRUE(e.connection_refused()) << e.what();
  }
}

TEST(SimServer, ASingleClientServerTurnsTheSecondAway) {
  FaultOptions f;
  f.single_client = true;
  Stepped sim(f);
  Server& server = sim.server;
  const int first = connect_raw(server.port());
  for (int i = 0; i < 100 && server.clients() == 0; ++i) ASSERT_TRUE(server.serve_step(1000));
  ASSERT_EQ(server.clients(), 1u);
  const int second = connect_raw(server.port());
  ASSERT_TRUE(server.serve_step(1000));
  EXPECT_TRUE(closed_by_peer(second, 1000));
  EXPECT_EQ(server.clients(), 1u);
  ::close(first);
  ::close(second);
}

TEST(SimServer, AConnectionEndsAfterDropAfterRequests) {
  FaultOptions f;
  f.drop_after = 2;
  Stepped sim(f);
  Server& server = sim.server;
  const int fd = connect_raw(server.port());
  const uint8_t read_one[] = {0, 1, 0, 0, 0, 6, 247, 0x03, 0x27, 0x10, 0, 1};
  uint8_t reply[64];
  for (int request = 1; request <= 2; ++request) {
    ASSERT_EQ(::send(fd, read_one, sizeof read_one, 0), static_cast<ssize_t>(sizeof read_one));
    pollfd p{fd, POLLIN, 0};
    for (int i = 0; i < 100 && ::poll(&p, 1, 0) == 0; ++i) ASSERT_TRUE(server.serve_step(1000));
    ASSERT_EQ(::recv(fd, reply, sizeof reply, 0), 11) << "request " << request;
    EXPECT_EQ(reply[9], 0x4D);
  }
  EXPECT_TRUE(closed_by_peer(fd, 1000));
  EXPECT_EQ(server.clients(), 0u);
  ::close(fd);
}

TEST(SimServer, TheStopDescriptorEndsServing) {
  Stepped sim;
  Server& server = sim.server;
  EXPECT_TRUE(server.serve_step(0));
  sim.stop.stop();
  EXPECT_FALSE(server.serve_step(1000));
  server.run();  // returns at once
}

TEST(SimServer, AnAddressItCannotBindIsATypedError) {
  StopPipe stop;
  ServerOptions o;
  o.port = 0;
  const Server first(o, kServed, stop.fd());
  o.port = first.port();
  try {
    const Server second(o, kServed, stop.fd());
    ADD_FAILURE() << "bound twice";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::unavailable);
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos);
  }
  o.host = "localhost";
  try {
    const Server named(o, kServed, stop.fd());
    ADD_FAILURE() << "bound a name";
  } catch (const Error& e) {
    EXPECT_EQ(e.cls(), ErrorClass::usage);
    EXPECT_STREQ(e.what(), "--host localhost: not an IPv4 address");
  }
}

}  // namespace mtec::sim::server_test
