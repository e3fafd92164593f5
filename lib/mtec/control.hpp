// The control socket of `mtec-read --follow`: a UNIX stream socket
// (owner-only) on which writes are executed between polls on the reader's
// own Modbus connection. Line protocol, one JSON object per line:
//   -> {"op":"write","address":50000,"words":[258]}
//   <- {"ok":true,"address":50000,"words":[258],"read_back":[258]}
//   -> {"op":"read","address":50000,"count":1}
//   <- {"ok":true,"address":50000,"words":[258]}
//   <- {"ok":false,"class":"timeout","error":"..."}   (on failure)
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mtec {

// --- Interface ---

constexpr size_t kControlMaxLine = 4096;
constexpr size_t kControlMaxClients = 8;

class ControlServer {
 public:
  // Creates the socket at `path` with mode 0600 (a stale socket file is
  // replaced; any other existing file is an Error(usage)).
  explicit ControlServer(std::string path);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Descriptors to poll for input (listener first, then clients).
  std::vector<int> fds() const;
  // Handle readiness of `fd`: accepts clients, reads lines and answers each
  // complete request with `handle(request) -> reply`.
  void on_readable(int fd, const std::function<nlohmann::json(const nlohmann::json&)>& handle);

 private:
  struct Conn {
    int fd;
    std::string buf;
  };
  void close_conn(int fd);
  std::string path_;
  int listen_fd_ = -1;
  std::vector<Conn> conns_;
};

// One request on the control socket at `path`; the reply, or Error
// (unavailable when nobody listens, temp_fail on timeout, protocol when the
// reply is not JSON).
nlohmann::json control_request(const std::string& path, const nlohmann::json& request,
                               std::chrono::milliseconds timeout);

// The documented default control socket path: $MTEC_CONTROL, else
// $RUNTIME_DIRECTORY/control.sock, else /run/mtec/control.sock.
std::string default_control_path();

}  // namespace mtec
