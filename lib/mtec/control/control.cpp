#include "mtec/control/control.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "mtec/base/errors.hpp"
#include "mtec/base/json_input.hpp"

namespace mtec::control {

namespace {

sockaddr_un address_of(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path)
    throw Error(ErrorClass::usage, fmt::format("control socket path too long: {}", path));
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

void send_line(int fd, const std::string& line) {
  size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::send(fd, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;  // the peer went away; nothing to do
    off += static_cast<size_t>(n);
  }
}

}  // namespace

std::string default_control_path() {
  if (const char* p = std::getenv("MTEC_CONTROL"); p && *p) return p;
  if (const char* d = std::getenv("RUNTIME_DIRECTORY"); d && *d)
    return std::string(d) + "/control.sock";
  return "/run/mtec/control.sock";
}

ControlServer::ControlServer(std::string path) : path_(std::move(path)) {
  const sockaddr_un a = address_of(path_);
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw Error(ErrorClass::cant_create,
                  fmt::format("--control {}: exists and is not a socket", path_));
    // a socket someone still listens on belongs to a running reader; one
    // nobody answers on is left over from a reader that is gone
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool live =
        probe >= 0 && ::connect(probe, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
    if (probe >= 0) ::close(probe);
    if (live)
      throw Error(ErrorClass::temp_fail,
                  fmt::format("--control {}: in use by a running mtec-read", path_));
    ::unlink(path_.c_str());
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) throw Error(ErrorClass::io, fmt::format("socket: {}", std::strerror(errno)));
  const mode_t old = ::umask(0177);
  const int rc = ::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0 || ::listen(listen_fd_, 4) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    throw Error(ErrorClass::io, fmt::format("--control {}: {}", path_, std::strerror(e)));
  }
  // 0600 from the umask at bind(); no chmod by name, which would follow a
  // symlink put in its place
}

ControlServer::~ControlServer() {
  for (const auto& c : conns_) ::close(c.fd);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

std::vector<int> ControlServer::fds() const {
  std::vector<int> out = {listen_fd_};
  for (const auto& c : conns_) out.push_back(c.fd);
  return out;
}

void ControlServer::close_conn(int fd) {
  ::close(fd);
  std::erase_if(conns_, [fd](const Conn& c) { return c.fd == fd; });
}

std::variant<ControlRequest, std::string> parse_control_request(std::string_view line) {
  std::string problem;
  const auto j = parse_json(line, problem);
  if (!j) return "bad request: " + problem;
  const auto op = string_at(*j, "op");
  const auto address = integer_at(*j, "address");
  if (!op || (*op != "read" && *op != "write") || !address || *address < 0 || *address > 65535)
    return std::string("expected {\"op\":\"write\"|\"read\",\"address\":0..65535,...}");
  ControlRequest r;
  r.address = static_cast<uint16_t>(*address);
  if (*op == "read") {
    r.op = ControlRequest::Op::read;
    if (j->contains("count")) {
      const auto count = integer_at(*j, "count");
      if (!count || *count < 1 || *count > 125) return std::string("count must be 1..125");
      r.count = static_cast<uint16_t>(*count);
    }
    return r;
  }
  r.op = ControlRequest::Op::write;
  auto words = words_at(*j, "words");
  if (!words || words->empty() || words->size() > 123)
    return std::string("words must hold 1..123 words (0..65535)");
  r.words = std::move(*words);
  r.count = static_cast<uint16_t>(r.words.size());
  if (const auto raw = j->find("raw"); raw != j->end()) {
    if (!raw->is_boolean()) return std::string("raw must be true or false");
    r.raw = raw->get<bool>();
  }
  return r;
}

nlohmann::json control_error(ErrorClass cls, const std::string& message) {
  return {{"ok", false}, {"class", std::string(class_name(cls))}, {"error", message}};
}

size_t ControlServer::close_idle(std::chrono::steady_clock::time_point now) {
  std::vector<int> idle;
  for (const auto& c : conns_)
    if (now - c.last >= kControlIdleTimeout) idle.push_back(c.fd);
  for (int fd : idle) {
    send_line(fd, control_error(ErrorClass::temp_fail, "idle for too long: closed").dump() + "\n");
    close_conn(fd);
  }
  return idle.size();
}

void ControlServer::on_readable(int fd,
                                const std::function<nlohmann::json(const ControlRequest&)>& handle,
                                std::chrono::steady_clock::time_point now) {
  if (fd == listen_fd_) {
    const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0) return;
    if (conns_.size() >= kControlMaxClients) {  // idle clients cannot lock the others out
      const auto oldest =
          std::min_element(conns_.begin(), conns_.end(),
                           [](const Conn& a, const Conn& b) { return a.last < b.last; });
      send_line(oldest->fd,
                control_error(ErrorClass::unavailable, "closed for a new client").dump() + "\n");
      close_conn(oldest->fd);
    }
    conns_.push_back(Conn{c, {}, now});
    return;
  }
  auto it = std::find_if(conns_.begin(), conns_.end(), [fd](const Conn& c) { return c.fd == fd; });
  if (it == conns_.end()) return;
  it->last = now;
  char chunk[1024];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close_conn(fd);
    return;
  }
  it->buf.append(chunk, static_cast<size_t>(n));
  size_t nl;
  while ((nl = it->buf.find('\n')) != std::string::npos) {
    const std::string line = it->buf.substr(0, nl);
    it->buf.erase(0, nl + 1);
    const auto request = parse_control_request(line);
    const nlohmann::json reply =
        std::holds_alternative<ControlRequest>(request)
            ? handle(std::get<ControlRequest>(request))
            : control_error(ErrorClass::data, std::get<std::string>(request));
    send_line(fd, reply.dump() + "\n");
  }
  if (it->buf.size() > kControlMaxLine) {
    send_line(fd, control_error(ErrorClass::data, "request line too long").dump() + "\n");
    close_conn(fd);
  }
}

nlohmann::json control_request(const std::string& path, const nlohmann::json& request,
                               std::chrono::milliseconds timeout, bool* sent,
                               const std::function<void()>& waiting) {
  const sockaddr_un a = address_of(path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(ErrorClass::io, fmt::format("socket: {}", std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throw Error(ErrorClass::unavailable,
                fmt::format("control socket {}: {}", path, std::strerror(errno)));
  send_line(fd, request.dump() + "\n");
  if (sent) *sent = true;
  std::string buf;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buf.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    const bool slice = waiting && left.count() > 500;
    const int r = ::poll(&p, 1,
                         slice              ? 500
                         : left.count() > 0 ? static_cast<int>(left.count())
                                            : 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 && slice) {
      waiting();
      continue;
    }
    if (r <= 0)
      throw Error(ErrorClass::temp_fail,
                  fmt::format("control socket {}: no answer within {} ms", path, timeout.count()));
    char chunk[1024];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0)
      throw Error(ErrorClass::unavailable,
                  fmt::format("control socket {}: closed without an answer", path));
    buf.append(chunk, static_cast<size_t>(n));
  }
  std::string problem;
  auto reply = parse_json(std::string_view(buf).substr(0, buf.find('\n')), problem);
  if (!reply || !reply->is_object())
    throw Error(ErrorClass::protocol,
                fmt::format("control socket {}: the answer is not a JSON object{}", path,
                            reply ? "" : ": " + problem));
  return std::move(*reply);
}

}  // namespace mtec::control
