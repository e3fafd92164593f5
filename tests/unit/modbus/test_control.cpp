// The control protocol's request grammar.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "mtec/base/errors.hpp"
#include "mtec/modbus/control.hpp"

namespace mtec {
namespace {

ControlRequest parsed(std::string_view line) {
  auto r = parse_control_request(line);
  if (auto* why = std::get_if<std::string>(&r)) ADD_FAILURE() << line << ": " << *why;
  return std::holds_alternative<ControlRequest>(r) ? std::get<ControlRequest>(r) : ControlRequest{};
}

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
}  // namespace mtec
