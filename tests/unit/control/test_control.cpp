// The control protocol's request grammar; the server's idle clients.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mtec/base/errors.hpp"
#include "mtec/control/control.hpp"
#include "parsed_request.hpp"

namespace mtec::control {
namespace {

std::string refused(std::string_view line) {
  auto r = parse_control_request(line);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "accepted";
}

TEST(Control, RequestGrammar) {
  const auto r = parsed(R"({"op":"read","address":33000,"count":2})");
  EXPECT_EQ(r.op, ControlRequest::Op::read);
  EXPECT_EQ(r.address, 33000);
  EXPECT_EQ(r.count, 2);
  EXPECT_EQ(parsed(R"({"op":"read","address":1})").count, 1);
  const auto w = parsed(R"({"op":"write","address":50000,"words":[258]})");
  EXPECT_EQ(w.op, ControlRequest::Op::write);
  EXPECT_EQ(w.words, std::vector<uint16_t>{258});
  EXPECT_EQ(w.count, 1);
  EXPECT_EQ(refused(R"({"op":"read","address":1,"count":126})"), "count must be 1..125");
  EXPECT_EQ(refused(R"({"op":"write","address":1,"words":[]})"),
            "words must hold 1..123 words (0..65535)");
  EXPECT_EQ(refused(R"({"op":"write","address":1,"words":[65536]})"),
            "words must hold 1..123 words (0..65535)");
  EXPECT_NE(refused(R"({"op":"erase","address":1})").find("expected"), std::string::npos);
  EXPECT_NE(refused(R"({"op":"read","address":70000})").find("expected"), std::string::npos);
  EXPECT_EQ(refused("not json").rfind("bad request: ", 0), 0u);
  EXPECT_TRUE(parsed(R"({"op":"write","address":50000,"words":[3],"raw":true})").raw);
  EXPECT_FALSE(w.raw);
  EXPECT_EQ(refused(R"({"op":"write","address":1,"words":[1],"raw":"yes"})"),
            "raw must be true or false");
}

// A client of the socket at `path` (connects at once).
int connect_to(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  EXPECT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  return fd;
}

// true when `fd` was closed by the server (after its goodbye line)
bool closed_by_server(int fd) {
  char buf[256];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

// mtec-write reads the class back (register_io): every class of a reply is
// one it parses to the same class, and so to the same exit code.
TEST(Control, ErrorRepliesNameTheirClassAsTheClientParsesIt) {
  for (const ErrorClass c : kAllErrorClasses) {
    const auto reply = control_error(c, "why");
    EXPECT_EQ(parse_class_name(reply["class"].get<std::string>()), c) << reply.dump();
    EXPECT_EQ(reply["ok"], false);
    EXPECT_EQ(reply["error"], "why");
  }
}

TEST(Control, IdleClientsAreClosedAndCannotLockOthersOut) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("mtec-control-" + std::to_string(::getpid()) + ".sock"))
                               .string();
  ControlServer server(path);
  const auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(1000));
  auto handle = [](const ControlRequest&) { return nlohmann::json{{"ok", true}}; };
  std::vector<int> clients;
  for (size_t i = 0; i <= kControlMaxClients; ++i) {  // one more than there are places
    clients.push_back(connect_to(path));
    server.on_readable(server.fds()[0], handle, t0 + std::chrono::seconds(i));
  }
  EXPECT_EQ(server.fds().size(), 1 + kControlMaxClients);
  EXPECT_TRUE(closed_by_server(clients[0]));  // the longest idle made room
  EXPECT_FALSE(closed_by_server(clients.back()));
  EXPECT_EQ(server.close_idle(t0 + std::chrono::seconds(kControlMaxClients) + kControlIdleTimeout -
                              std::chrono::seconds(1)),
            kControlMaxClients - 1);
  EXPECT_EQ(server.close_idle(t0 + std::chrono::seconds(100)), 1u);
  EXPECT_EQ(server.fds().size(), 1u);
  for (int fd : clients) ::close(fd);
}

// The socket's path: a stale socket (nobody listens) is replaced, a live one
// (a running reader) or anything else refused.
TEST(Control, StaleSocketsAreReplacedLiveOnesAndOtherFilesRefused) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("mtec-control-test-" + std::to_string(::getpid()) + ".sock"))
                               .string();
  std::filesystem::remove(path);
  {  // a socket file left by a reader that is gone
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
  }
  {
    ControlServer live(path);
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    try {
      ControlServer second(path);
      ADD_FAILURE() << "a live socket was taken over";
    } catch (const Error& e) {
      EXPECT_EQ(e.cls(), ErrorClass::temp_fail);
      EXPECT_NE(std::string(e.what()).find("in use by a running mtec-read"), std::string::npos);
    }
  }
  std::ofstream(path) << "not a socket\n";
  EXPECT_THROW(ControlServer{path}, Error);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mtec::control
