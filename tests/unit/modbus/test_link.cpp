// The link logs a lost inverter once, then a summary every five minutes,
// not a line per retry (injected time; a refused loopback port).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "mtec/modbus/link.hpp"

namespace mtec::modbus {
namespace {

// A loopback port that refuses connections: bound, never listening.
struct RefusedPort {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  RefusedPort() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~RefusedPort() { ::close(fd); }
};

TEST(Link, StateChangesAndPeriodicSummariesOnly) {
  RefusedPort refused;
  FILE* out = std::tmpfile();
  Logger log("test", Logger::Format::text, false, out);
  modbus::Client client({"127.0.0.1", refused.port, std::nullopt, 247,
                         std::chrono::milliseconds(500), modbus::Framer::tcp});
  Link link(client, log, [] { return 0.5; });
  const TimePoint t0{};
  int attempts = 0;
  for (int i = 0; i <= 10; ++i) {
    const auto now = t0 + std::chrono::seconds(61 * i);
    EXPECT_FALSE(link.ensure(now));
    ++attempts;
  }
  EXPECT_EQ(link.connect_attempts(), static_cast<uint64_t>(attempts));
  std::rewind(out);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, out)) text += buf;
  std::fclose(out);
  size_t warnings = 0;
  for (size_t p = 0; (p = text.find(": warning: ", p)) != std::string::npos; ++p) ++warnings;
  EXPECT_EQ(warnings, 3u) << text;  // the first failure, then at 5 and 10 minutes
  EXPECT_NE(text.find("still unreachable after 305 s and 6 attempts"), std::string::npos) << text;
}

}  // namespace
}  // namespace mtec::modbus
