#include "mtec/sim/server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"
#include "mtec/modbus/modbus_frame.hpp"

namespace mtec::sim {

namespace server_detail {

constexpr int kTcpHeader = 7;  // MBAP header; the unit id is its last byte

int bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return -1;
  return ntohs(a.sin_port);
}

int bind_socket(const std::string& host, int port, bool listen_too) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(ErrorClass::io, fmt::format("socket: {}", std::strerror(errno)));
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    ::close(fd);
    throw Error(ErrorClass::usage, fmt::format("--host {}: not an IPv4 address", host));
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      (listen_too && ::listen(fd, 16) != 0)) {
    const int e = errno;
    ::close(fd);
    throw Error(ErrorClass::unavailable,
                fmt::format("cannot listen on {}:{}: {}", host, port, std::strerror(e)));
  }
  return fd;
}

}  // namespace server_detail

// A libmodbus TCP context, used only to receive a request on a client's socket.
struct Server::Context {
  struct Free {
    void operator()(modbus_t* c) const { modbus_free(c); }
  };
  std::unique_ptr<modbus_t, Free> ctx;
};

Server::Server(ServerOptions o, const Snapshot& snap, int stop_fd)
    : o_(std::move(o)),
      stop_fd_(stop_fd),
      faults_(o_.faults, o_.rtu ? modbus::Framer::rtu : modbus::Framer::tcp),
      handler_(o_.device, snap, faults_),
      ctx_(std::make_unique<Context>()) {
  ctx_->ctx.reset(modbus_new_tcp("127.0.0.1", 0));
  if (!ctx_->ctx) throw Error(ErrorClass::software, "cannot create a Modbus context");
  modbus_set_indication_timeout(ctx_->ctx.get(), 5, 0);
  listen_fd_ = server_detail::bind_socket(o_.host, o_.port, faults_.accepts());
  port_ = server_detail::bound_port(listen_fd_);
}

Server::~Server() {
  for (const auto& c : clients_) ::close(c.fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void Server::run() {
  while (serve_step(-1)) {
  }
}

bool Server::serve_step(int timeout_ms) {
  std::vector<pollfd> fds = {{stop_fd_, POLLIN, 0},
                             {listen_fd_, static_cast<short>(faults_.accepts() ? POLLIN : 0), 0}};
  for (const auto& c : clients_) fds.push_back({c.fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
    if (errno == EINTR) return true;
    throw Error(ErrorClass::io, fmt::format("poll: {}", std::strerror(errno)));
  }
  if (fds[0].revents) return false;  // SIGTERM / SIGINT
  if (fds[1].revents & POLLIN) accept_client();
  for (size_t i = 2; i < fds.size(); ++i)
    if (fds[i].revents) {
      if (!serve_one(fds[i].fd)) drop(fds[i].fd);
      if (stopping_) return false;
    }
  return true;
}

void Server::accept_client() {
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  if (!faults_.admits(clients_.size())) {
    ::close(fd);  // like the inverter's gateway: one client at a time
    return;
  }
  clients_.push_back(Client{fd, 0, {}});
}

void Server::drop(int fd) {
  ::close(fd);
  std::erase_if(clients_, [fd](const Client& c) { return c.fd == fd; });
}

// Waits `ms` unless the stop descriptor becomes readable; false if stopping.
bool Server::pause(int ms) {
  pollfd p{stop_fd_, POLLIN, 0};
  if (::poll(&p, 1, ms) > 0) {
    stopping_ = true;
    return false;
  }
  return true;
}

// Handles the request(s) waiting on `fd`; false when the connection must be closed.
bool Server::serve_one(int fd) {
  Client& c =
      *std::find_if(clients_.begin(), clients_.end(), [fd](const Client& x) { return x.fd == fd; });
  return o_.rtu ? serve_rtu(c) : serve_tcp(c);
}

bool Server::serve_tcp(Client& c) {
  using server_detail::kTcpHeader;
  uint8_t q[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(ctx_->ctx.get(), c.fd);
  const int n = modbus_receive(ctx_->ctx.get(), q);
  if (n <= 0) return false;
  ++c.requests;
  const int unit = q[kTcpHeader - 1];
  const auto reply =
      handler_.answer(std::span<const uint8_t>(q + kTcpHeader, n - kTcpHeader), unit);
  if (!reply) return true;  // not ours: no answer, like a real gateway
  if (faults_.reply_delay_ms() > 0 && !pause(faults_.reply_delay_ms())) return false;
  const uint16_t tid = static_cast<uint16_t>((q[0] << 8) | q[1]);
  if (!send_reply(c.fd,
                  modbus::encode(modbus::Framer::tcp, tid, static_cast<uint8_t>(unit), *reply)))
    return false;
  return !faults_.ends_connection(c.requests);
}

// RTU over TCP: frames are unit + PDU + CRC-16; libmodbus's RTU server
// cannot answer unit ids above 247, so the frames are split here.
bool Server::serve_rtu(Client& c) {
  uint8_t chunk[512];
  const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  c.buf.insert(c.buf.end(), chunk, chunk + n);
  while (c.buf.size() >= 8) {
    const int fc = c.buf[1];
    const size_t len = fc == 0x10 ? 9u + c.buf[6] : 8u;
    if (c.buf.size() < len) break;
    const std::vector<uint8_t> frame(c.buf.begin(), c.buf.begin() + static_cast<long>(len));
    c.buf.erase(c.buf.begin(), c.buf.begin() + static_cast<long>(len));
    const uint16_t crc = modbus::crc16(std::span(frame).first(len - 2));
    if ((frame[len - 2] | (frame[len - 1] << 8)) != crc) {
      c.buf.clear();  // out of step: drop what is buffered, like a serial device
      return true;
    }
    ++c.requests;
    const int unit = frame[0];
    if (const auto reply = handler_.answer(std::span(frame).subspan(1, len - 3), unit)) {
      if (faults_.reply_delay_ms() > 0 && !pause(faults_.reply_delay_ms())) return false;
      if (!send_reply(c.fd,
                      modbus::encode(modbus::Framer::rtu, 0, static_cast<uint8_t>(unit), *reply)))
        return false;
    }
    if (faults_.ends_connection(c.requests)) return false;
  }
  return true;
}

// Sends `adu`, corrupted first by chance (--corrupt); false when the connection is gone.
bool Server::send_reply(int fd, std::vector<uint8_t> adu) {
  faults_.maybe_corrupt(adu);
  return ::send(fd, adu.data(), adu.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(adu.size());
}

}  // namespace mtec::sim
