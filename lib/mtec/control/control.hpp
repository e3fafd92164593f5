// The control socket of `mtec-read --follow`: a UNIX stream socket
// (owner-only) on which writes are executed between polls on the reader's
// own Modbus connection. Line protocol, one JSON object per line:
//   -> {"op":"write","address":50000,"words":[258]}        ("raw":true: unchecked words)
//   <- {"ok":true,"address":50000,"words":[258],"read_back":[258]}
//   -> {"op":"read","address":50000,"count":1}
//   <- {"ok":true,"address":50000,"words":[258]}
//   <- {"ok":false,"class":"timeout","error":"..."}   (on failure)
//   <- {"ok":false,"class":"timeout","error":"...","outcome":"unknown"}
//      (a write that went out and got no answer: it may have been applied)
// A write must name a writable register of the catalog and, unless raw,
// hold a value the register takes; idle clients are closed.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mtec/base/errors.hpp"

namespace mtec::control {

// --- Interface ---

constexpr size_t kControlMaxLine = 4096;
constexpr size_t kControlMaxClients = 8;
// A client that sends nothing for this long is disconnected.
constexpr std::chrono::seconds kControlIdleTimeout{10};

// A request of the line protocol, checked.
struct ControlRequest {
  enum class Op { read, write } op = Op::read;
  uint16_t address = 0;
  uint16_t count = 1;           // read: 1..125
  std::vector<uint16_t> words;  // write: 1..123 words
  bool raw = false;             // write: words as given, only the register checked
};

// The request on `line`, or what is wrong with it (for the error reply).
std::variant<ControlRequest, std::string> parse_control_request(std::string_view line);

// The answer to a request as {"ok":false,"class":...,"error":...}.
nlohmann::json control_error(ErrorClass cls, const std::string& message);

class ControlServer {
 public:
  // Creates the socket at `path` with mode 0600 (a stale socket file is
  // replaced; any other existing file is an Error(cant_create): exit 73).
  explicit ControlServer(std::string path);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Descriptors to poll for input (listener first, then clients).
  std::vector<int> fds() const;
  // Handle readiness of `fd` at `now`: accepts clients (when all places are
  // taken, the longest idle client makes room), reads lines and answers
  // each well-formed request with `handle(request) -> reply`, any other line
  // with an error reply.
  void on_readable(int fd, const std::function<nlohmann::json(const ControlRequest&)>& handle,
                   std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // Closes the clients idle for kControlIdleTimeout at `now`; returns how many.
  size_t close_idle(std::chrono::steady_clock::time_point now);

 private:
  struct Conn {
    int fd;
    std::string buf;
    std::chrono::steady_clock::time_point last;  // last request or connect
  };
  void close_conn(int fd);
  std::string path_;
  int listen_fd_ = -1;
  std::vector<Conn> conns_;
};

// One request on the control socket at `path`; the reply (a JSON object), or
// Error (unavailable when nobody listens, temp_fail on timeout, protocol when
// the reply is not a JSON object). `sent` (optional) tells whether the
// request went out before the failure; `waiting` (optional) is called every
// half second while the answer is awaited (a stage's heartbeat).
nlohmann::json control_request(const std::string& path, const nlohmann::json& request,
                               std::chrono::milliseconds timeout, bool* sent = nullptr,
                               const std::function<void()>& waiting = {});

// The documented default control socket path: $MTEC_CONTROL, else
// $RUNTIME_DIRECTORY/control.sock, else /run/mtec/control.sock.
std::string default_control_path();

}  // namespace mtec::control
