// sd_notify: one datagram to $NOTIFY_SOCKET (a path or an @abstract name),
// nothing without it.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "mtec/base/sd_notify.hpp"

namespace mtec {
namespace {

// An abstract datagram socket named like systemd's, and NOTIFY_SOCKET set to
// it for the test's lifetime.
struct NotifySocket {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::string name = "@mtec-test-notify-" + std::to_string(::getpid());
  NotifySocket() {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path + 1, name.c_str() + 1, name.size() - 1);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a),
           static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size()));
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd);
  }
  std::string receive() {
    char buf[256];
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
};

TEST(SdNotify, NothingWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(sd_notify("READY=1"));
}

TEST(SdNotify, OneDatagramToTheAbstractSocket) {
  NotifySocket s;
  EXPECT_TRUE(sd_notify("READY=1\nSTATUS=publishing"));
  EXPECT_EQ(s.receive(), "READY=1\nSTATUS=publishing");
}

}  // namespace
}  // namespace mtec
