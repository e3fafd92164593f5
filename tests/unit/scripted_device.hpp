// A scripted Modbus device for unit tests: a loopback TCP server in a thread
// that answers each request with what a test function returns.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace mtec::modbus {

// The Modbus TCP reply to request `q` carrying `pdu`: q's transaction and
// unit id, the MBAP length of the PDU.
inline std::vector<uint8_t> tcp_reply(const std::vector<uint8_t>& q,
                                      const std::vector<uint8_t>& pdu) {
  std::vector<uint8_t> adu(7 + pdu.size());
  adu[0] = q[0];
  adu[1] = q[1];
  adu[5] = static_cast<uint8_t>(pdu.size() + 1);
  adu[6] = q[6];
  std::copy(pdu.begin(), pdu.end(), adu.begin() + 7);
  return adu;
}

// Accepts connections one after the other; for each request calls `reply`
// with the request bytes and the connection number and sends what it returns.
class ScriptedDevice {
 public:
  using Reply = std::function<std::vector<uint8_t>(const std::vector<uint8_t>&, int)>;
  explicit ScriptedDevice(Reply reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedDevice() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  void serve() {
    for (int conn = 0;; ++conn) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      uint8_t buf[260];
      ssize_t n;
      while ((n = ::recv(c, buf, sizeof buf, 0)) > 0) {
        const auto out = reply_(std::vector<uint8_t>(buf, buf + n), conn);
        ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }
  Reply reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace mtec::modbus
