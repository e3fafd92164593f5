#include "mtec/modbus/modbus_client.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace mtec::modbus {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

}  // namespace

std::string Client::peer() const {
  return fmt::format("{}:{}", ep_.host, port_in_use_ ? port_in_use_ : ep_.port);
}

bool Client::wait(short events, Clock::time_point deadline) {
  for (;;) {
    pollfd fds[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
    int timeout = remaining_ms(deadline);
    const bool slice = waiting_ && timeout > waiting_every_.count();
    if (slice) timeout = static_cast<int>(waiting_every_.count());
    const int n = ::poll(fds, cancel_fd_ >= 0 ? 2 : 1, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ModbusError(ErrorClass::io, fmt::format("poll: {}", std::strerror(errno)));
    }
    if (n == 0 && slice) {
      waiting_();
      continue;
    }
    if (n == 0) return false;
    if (cancel_fd_ >= 0 && fds[1].revents) throw Interrupted{};
    return true;
  }
}

void Client::connect_to(int port) {
  close();
  port_in_use_ = port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(ep_.host.c_str(), service.c_str(), &hints, &res); rc != 0)
    throw ModbusError(ErrorClass::unavailable,
                      fmt::format("{}: cannot resolve host: {}", peer(), gai_strerror(rc)));
  std::unique_ptr<addrinfo, AddrInfoDeleter> guard(res);
  // Every address the name resolves to, in resolver order; the first that
  // accepts wins. The error reported is that of the last address tried.
  std::optional<ModbusError> last;
  for (const addrinfo* a = res; a; a = a->ai_next) {
    try {
      connect_addr(*a);
      return;
    } catch (const ModbusError& e) {
      last = e;
    }
  }
  throw *last;
}

void Client::connect_addr(const addrinfo& a) {
  const auto deadline = Clock::now() + ep_.timeout;
  fd_ = ::socket(a.ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) throw ModbusError(ErrorClass::io, fmt::format("socket: {}", std::strerror(errno)));
  if (::connect(fd_, a.ai_addr, a.ai_addrlen) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    close();
    const auto message = fmt::format("{}: {}", peer(), std::strerror(e));
    if (e == ECONNREFUSED) throw ModbusError::refused(message);
    throw ModbusError(ErrorClass::unavailable, message);
  }
  if (!wait(POLLOUT, deadline)) {
    close();
    throw ModbusError(ErrorClass::temp_fail, fmt::format("{}: connect timed out after {} ms",
                                                         peer(), ep_.timeout.count()));
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    close();
    const auto message = fmt::format("{}: {}", peer(), std::strerror(err));
    if (err == ECONNREFUSED) throw ModbusError::refused(message);
    throw ModbusError(ErrorClass::unavailable, message);
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void Client::connect() {
  try {
    connect_to(ep_.port);
  } catch (const ModbusError& e) {
    if (!ep_.port2 || e.cls() != ErrorClass::unavailable) throw;
    connect_to(*ep_.port2);
  }
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::send_all(const std::vector<uint8_t>& bytes, Clock::time_point deadline) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait(POLLOUT, deadline))
        throw ModbusError(ErrorClass::temp_fail, fmt::format("{}: send timed out", peer()));
      continue;
    }
    throw ModbusError(ErrorClass::unavailable,
                      fmt::format("{}: connection lost: {}", peer(), std::strerror(errno)));
  }
}

std::vector<uint8_t> Client::transact(const std::vector<uint8_t>& pdu, const std::string& what) {
  if (!observer_) return exchange(pdu, what);
  const auto start = Clock::now();
  auto seconds = [start] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  try {
    auto reply = exchange(pdu, what);
    observer_(true, "", seconds());
    return reply;
  } catch (const ModbusError& e) {
    observer_(false, class_name(e.cls()), seconds());
    throw;  // counted, not handled here
  }
}

std::vector<uint8_t> Client::exchange(const std::vector<uint8_t>& pdu, const std::string& what) {
  if (!connected()) connect();
  const uint8_t function = pdu[0];
  const uint16_t tid = ++tid_;
  const auto deadline = Clock::now() + ep_.timeout;
  ++requests_;
  // Any failure below closes the connection: a late or stray reply must
  // never be taken for the answer to a later request.
  struct CloseOnFailure {
    Client* c;
    bool armed = true;
    ~CloseOnFailure() {
      if (armed) c->close();
    }
  } guard{this};
  send_all(encode(ep_.framer, tid, ep_.unit, pdu), deadline);
  std::vector<uint8_t> buf;
  for (;;) {
    const Decoded d = decode_reply(ep_.framer, buf, tid, ep_.unit, function);
    if (d.status == Decoded::Status::bad)
      throw ModbusError(ErrorClass::protocol,
                        fmt::format("{}: {}: bad reply: {}", peer(), what, d.problem));
    if (d.status == Decoded::Status::ok) {
      guard.armed = false;
      if (d.pdu[0] & 0x80)
        throw ModbusError(
            ErrorClass::unavailable,
            fmt::format("{}: {}: exception reply: {}", peer(), what, exception_text(d.pdu[1])),
            d.pdu[1]);
      return d.pdu;
    }
    if (!wait(POLLIN, deadline))
      throw ModbusError(ErrorClass::temp_fail, fmt::format("{}: {}: no reply within {} ms", peer(),
                                                           what, ep_.timeout.count()));
    uint8_t chunk[512];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf.insert(buf.end(), chunk, chunk + n);
    } else if (n == 0) {
      throw ModbusError(ErrorClass::unavailable,
                        fmt::format("{}: {}: connection closed by the device", peer(), what));
    } else if (errno != EAGAIN && errno != EINTR) {
      throw ModbusError(ErrorClass::unavailable, fmt::format("{}: {}: connection lost: {}", peer(),
                                                             what, std::strerror(errno)));
    }
  }
}

std::vector<uint8_t> Client::request(const std::vector<uint8_t>& pdu, const std::string& what) {
  auto reply = transact(pdu, what);
  if (auto problem = reply_mismatch(pdu, reply)) {
    close();  // out of step with the device: start clean
    throw ModbusError(ErrorClass::protocol, fmt::format("{}: {}: {}", peer(), what, *problem));
  }
  return reply;
}

std::vector<uint16_t> Client::read(uint16_t start, uint16_t count) {
  const auto pdu =
      request(read_holding_pdu(start, count), fmt::format("read {}..{}", start, start + count - 1));
  std::vector<uint16_t> words(count);
  for (size_t i = 0; i < count; ++i)
    words[i] = static_cast<uint16_t>((pdu[2 + 2 * i] << 8) | pdu[3 + 2 * i]);
  return words;
}

void Client::write(uint16_t address, std::span<const uint16_t> words) {
  request(
      words.size() == 1 ? write_single_pdu(address, words[0]) : write_multiple_pdu(address, words),
      fmt::format("write {}", address));
}

}  // namespace mtec::modbus
