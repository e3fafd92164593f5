#include "sim_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "mtec/base/errors.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/modbus/modbus_frame.hpp"

namespace mtec::sim {

namespace {

constexpr int kTcpHeader = 7;  // MBAP header; the unit id is its last byte

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct MappingDeleter {
  void operator()(modbus_mapping_t* m) const { modbus_mapping_free(m); }
};
struct CtxDeleter {
  void operator()(modbus_t* c) const { modbus_free(c); }
};

struct Client {
  int fd;
  int requests = 0;
  std::vector<uint8_t> buf;  // RTU: bytes received so far
};

int bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return -1;
  return ntohs(a.sin_port);
}

int bind_socket(const ServerOptions& o, bool listen_too) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(ErrorClass::io, fmt::format("socket: {}", std::strerror(errno)));
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(o.port));
  if (::inet_pton(AF_INET, o.host.c_str(), &a.sin_addr) != 1) {
    ::close(fd);
    throw Error(ErrorClass::usage, fmt::format("--host {}: not an IPv4 address", o.host));
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      (listen_too && ::listen(fd, 16) != 0)) {
    const int e = errno;
    ::close(fd);
    throw Error(ErrorClass::unavailable,
                fmt::format("cannot listen on {}:{}: {}", o.host, o.port, std::strerror(e)));
  }
  return fd;
}

// The exception code configured for any address in [start, start+count).
std::optional<int> injected_exception(const ServerOptions& o, int start, int count) {
  auto it = o.exceptions.lower_bound(static_cast<uint16_t>(start));
  if (it != o.exceptions.end() && it->first < start + count) return it->second;
  return std::nullopt;
}

void log_line(FILE* f, const nlohmann::json& j) {
  if (!f) return;
  const std::string s = j.dump() + "\n";
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

class Server {
 public:
  Server(const ServerOptions& o, const Snapshot& snap, int sigfd)
      : o_(o), sigfd_(sigfd), rng_(o.seed) {
    int lo = 65535, hi = 0;
    for (const auto& [addr, words] : snap) {
      lo = std::min<int>(lo, addr);
      hi = std::max<int>(hi, addr + static_cast<int>(words.size()));
    }
    if (snap.empty()) lo = hi = 0;
    map_.reset(modbus_mapping_new_start_address(0, 0, 0, 0, static_cast<unsigned>(lo),
                                                static_cast<unsigned>(hi - lo), 0, 0));
    if (!map_) throw Error(ErrorClass::software, "cannot allocate the register map");
    for (const auto& [addr, words] : snap)
      std::copy(words.begin(), words.end(), map_->tab_registers + (addr - lo));
    ctx_.reset(modbus_new_tcp("127.0.0.1", 0));
    if (!ctx_) throw Error(ErrorClass::software, "cannot create a Modbus context");
    modbus_set_indication_timeout(ctx_.get(), 5, 0);
  }

  void run(int listen_fd) {
    for (;;) {
      std::vector<pollfd> fds = {{sigfd_, POLLIN, 0}, {listen_fd, POLLIN, 0}};
      if (o_.refuse) fds[1].events = 0;
      for (const auto& c : clients_) fds.push_back({c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw Error(ErrorClass::io, fmt::format("poll: {}", std::strerror(errno)));
      }
      if (fds[0].revents) return;  // SIGTERM / SIGINT
      if (fds[1].revents & POLLIN) accept_client(listen_fd);
      for (size_t i = 2; i < fds.size(); ++i)
        if (fds[i].revents) {
          if (!serve_one(fds[i].fd)) drop(fds[i].fd);
          if (stopping_) return;
        }
    }
  }

  ~Server() {
    for (const auto& c : clients_) ::close(c.fd);
  }

 private:
  void accept_client(int listen_fd) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (o_.single_client && !clients_.empty()) {
      ::close(fd);  // like the inverter's gateway: one client at a time
      return;
    }
    clients_.push_back(Client{fd, 0, {}});
  }

  void drop(int fd) {
    ::close(fd);
    std::erase_if(clients_, [fd](const Client& c) { return c.fd == fd; });
  }

  // Waits `ms` unless a stop signal arrives; false if stopping.
  bool pause(int ms) {
    pollfd p{sigfd_, POLLIN, 0};
    if (::poll(&p, 1, ms) > 0) {
      stopping_ = true;
      return false;
    }
    return true;
  }

  // Handle one request on `fd`; false when the connection must be closed.
  bool serve_one(int fd) {
    Client& c = *std::find_if(clients_.begin(), clients_.end(),
                              [fd](const Client& x) { return x.fd == fd; });
    if (o_.rtu) return serve_rtu(c);
    uint8_t q[MODBUS_TCP_MAX_ADU_LENGTH];
    modbus_set_socket(ctx_.get(), fd);
    const int n = modbus_receive(ctx_.get(), q);
    if (n <= 0) return false;
    ++c.requests;
    const int unit = q[kTcpHeader - 1];
    const auto reply = answer(std::span<const uint8_t>(q + kTcpHeader, n - kTcpHeader), unit);
    if (!reply) return true;  // not ours: no answer, like a real gateway
    if (o_.delay_ms > 0 && !pause(o_.delay_ms)) return false;
    const uint16_t tid = static_cast<uint16_t>((q[0] << 8) | q[1]);
    if (!send_reply(c.fd, mtec::modbus::encode(mtec::modbus::Framer::tcp, tid,
                                               static_cast<uint8_t>(unit), *reply)))
      return false;
    return o_.drop_after == 0 || c.requests < o_.drop_after;
  }

  // RTU over TCP: frames are unit + PDU + CRC-16; libmodbus's RTU server
  // cannot answer unit ids above 247, so the PDU is handled here.
  bool serve_rtu(Client& c) {
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
      const uint16_t crc = mtec::modbus::crc16(std::span(frame).first(len - 2));
      if ((frame[len - 2] | (frame[len - 1] << 8)) != crc) {
        c.buf.clear();  // out of step: drop what is buffered, like a serial device
        return true;
      }
      ++c.requests;
      const int unit = frame[0];
      if (const auto reply = answer(std::span(frame).subspan(1, len - 3), unit)) {
        if (o_.delay_ms > 0 && !pause(o_.delay_ms)) return false;
        if (!send_reply(c.fd, mtec::modbus::encode(mtec::modbus::Framer::rtu, 0,
                                                   static_cast<uint8_t>(unit), *reply)))
          return false;
      }
      if (o_.drop_after != 0 && c.requests >= o_.drop_after) return false;
    }
    return true;
  }

  // Logs the request (--request-log, with the exception code if refused) and
  // returns its reply PDU; nullopt for another unit id (no answer).
  std::optional<std::vector<uint8_t>> answer(std::span<const uint8_t> pdu, int unit) {
    const int fc = pdu.empty() ? 0 : pdu[0];
    const int addr = pdu.size() >= 3 ? (pdu[1] << 8) | pdu[2] : 0;
    const int count = fc == 0x06 ? 1 : pdu.size() >= 5 ? (pdu[3] << 8) | pdu[4] : 0;
    nlohmann::json line = {{"unit", unit}, {"function", fc}, {"address", addr}, {"count", count}};
    std::optional<std::vector<uint8_t>> reply;
    if (unit == o_.unit) {
      reply = handle_pdu(pdu, unit);
      if ((*reply)[0] & 0x80) line["exception"] = (*reply)[1];
    }
    log_line(o_.request_log, line);
    return reply;
  }

  // The reply PDU to a request PDU (read holding registers, write single, write multiple).
  std::vector<uint8_t> handle_pdu(std::span<const uint8_t> pdu, int unit) {
    if (pdu.size() < 5) return {static_cast<uint8_t>((pdu.empty() ? 0 : pdu[0]) | 0x80), 3};
    const int fc = pdu[0];
    const int addr = (pdu[1] << 8) | pdu[2];
    const int count = fc == 0x06 ? 1 : (pdu[3] << 8) | pdu[4];
    auto exception = [fc](int code) {
      return std::vector<uint8_t>{static_cast<uint8_t>(fc | 0x80), static_cast<uint8_t>(code)};
    };
    if (fc != 0x03 && fc != 0x06 && fc != 0x10) return exception(1);
    if (fc == 0x10 &&
        (count < 1 || count > 123 || pdu.size() != 6u + 2 * count || pdu[5] != 2 * count))
      return exception(3);
    if (auto code = injected_exception(o_, addr, count)) return exception(*code);
    const int offset = addr - map_->start_registers;
    if (count < 1 || count > 125 || offset < 0 || offset + count > map_->nb_registers)
      return exception(2);
    if (o_.strict_map)
      for (int a = addr; a < addr + count; ++a)
        if (!o_.mapped.count(static_cast<uint16_t>(a))) return exception(2);
    if (fc == 0x03 && o_.animate)
      for (const auto& [a, words] : o_.animate()) {
        const int at = a - map_->start_registers;
        if (at >= 0 && at + static_cast<int>(words.size()) <= map_->nb_registers)
          std::copy(words.begin(), words.end(), map_->tab_registers + at);
      }
    uint16_t* regs = map_->tab_registers + offset;
    if (fc == 0x03) {
      std::vector<uint8_t> r = {0x03, static_cast<uint8_t>(count * 2)};
      for (int i = 0; i < count; ++i) {
        r.push_back(static_cast<uint8_t>(regs[i] >> 8));
        r.push_back(static_cast<uint8_t>(regs[i] & 0xFF));
      }
      return r;
    }
    std::vector<uint16_t> words;
    if (fc == 0x06)
      words = {static_cast<uint16_t>((pdu[3] << 8) | pdu[4])};
    else
      for (int i = 0; i < count; ++i)
        words.push_back(static_cast<uint16_t>((pdu[6 + 2 * i] << 8) | pdu[7 + 2 * i]));
    if (!o_.ignore_writes) std::copy(words.begin(), words.end(), regs);
    log_write(unit, fc, addr, words);
    if (fc == 0x06) return std::vector<uint8_t>(pdu.begin(), pdu.begin() + 5);
    return {0x10, pdu[1], pdu[2], pdu[3], pdu[4]};
  }

  void log_write(int unit, int fc, int addr, const std::vector<uint16_t>& words) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    log_line(o_.write_log ? o_.write_log : stderr, {{"ts_ms", ms},
                                                    {"unit", unit},
                                                    {"function", fc},
                                                    {"address", addr},
                                                    {"words", words},
                                                    {"applied", !o_.ignore_writes}});
  }

  // Sends `adu`, corrupted first with probability --corrupt; false when the
  // connection is gone.
  bool send_reply(int fd, std::vector<uint8_t> adu) {
    if (o_.corrupt > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < o_.corrupt)
      corrupt(adu);
    return ::send(fd, adu.data(), adu.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(adu.size());
  }

  // One structural fault a client must detect (never a plausible wrong value).
  void corrupt(std::vector<uint8_t>& adu) {
    enum Kind { tid, unit, function, truncated, garbage, crc };
    const int kinds = o_.rtu ? 6 : 5;
    auto kind = static_cast<Kind>(std::uniform_int_distribution<int>(0, kinds - 1)(rng_));
    if (o_.rtu && kind == tid) kind = crc;          // RTU has no transaction id
    const size_t at = o_.rtu ? 0 : kTcpHeader - 1;  // the unit id; the function follows
    switch (kind) {
      case tid: adu[1] = static_cast<uint8_t>(adu[1] + 1); break;
      case unit: adu[at] ^= 0x5A; break;
      case function: adu[at + 1] ^= 0x04; break;
      case truncated: {
        // the last two bytes of the PDU are gone; the frame's own length agrees
        const size_t pdu_end = o_.rtu ? adu.size() - 2 : adu.size();
        const size_t drop = std::min<size_t>(2, pdu_end - (at + 2));
        adu.erase(adu.begin() + static_cast<long>(pdu_end - drop),
                  adu.begin() + static_cast<long>(pdu_end));
        if (!o_.rtu) adu[5] = static_cast<uint8_t>(adu[5] - drop);
        break;
      }
      case garbage:
        for (auto& b : adu) b = static_cast<uint8_t>(rng_());
        return;
      case crc: adu.back() ^= 0xFF; return;
    }
    if (o_.rtu) {  // keep the CRC right, so the fault itself is what the client sees
      adu.resize(adu.size() - 2);
      const uint16_t c = mtec::modbus::crc16(adu);
      adu.push_back(static_cast<uint8_t>(c & 0xFF));
      adu.push_back(static_cast<uint8_t>(c >> 8));
    }
  }

  const ServerOptions& o_;
  int sigfd_;
  std::unique_ptr<modbus_mapping_t, MappingDeleter> map_;
  std::unique_ptr<modbus_t, CtxDeleter> ctx_;
  std::vector<Client> clients_;
  std::mt19937_64 rng_;
  bool stopping_ = false;
};

}  // namespace

void serve(const ServerOptions& o, const Snapshot& snap) {
  const StopSignals stop;
  Fd listener(bind_socket(o, !o.refuse));
  const int port = bound_port(listener.fd);
  std::printf("%d\n", port);  // the port alone, for scripts
  std::fflush(stdout);
  if (isatty(STDOUT_FILENO)) {  // a person started it: say what the number is
    const bool v6 = o.host.find(':') != std::string::npos;
    std::fprintf(stderr, "mtec-sim: listening on %s%s%s:%d\n", v6 ? "[" : "", o.host.c_str(),
                 v6 ? "]" : "", port);
  }
  Server server(o, snap, stop.fd());
  server.run(listener.fd);
}

}  // namespace mtec::sim
