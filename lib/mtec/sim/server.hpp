// The simulator's Modbus TCP server: accepts clients on a listening socket
// and serves their requests one by one through a RequestHandler, Modbus
// TCP frames received by libmodbus (an implementation independent of the
// library's own client) or RTU frames (unit, PDU, CRC) over TCP, with the
// injected faults. Single-threaded: one poll over the stop descriptor, the
// listener and the clients.
#pragma once

#include <string>
#include <vector>

#include "mtec/sim/faults.hpp"
#include "mtec/sim/request_handler.hpp"
#include "mtec/sim/snapshot.hpp"

namespace mtec::sim {

// --- Interface ---

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 1502;   // 0: pick a free port
  bool rtu = false;  // RTU frames (unit, PDU, CRC) over TCP instead of Modbus TCP
  DeviceOptions device;
  FaultOptions faults;
};

class Server {
 public:
  // Binds `o.host`:`o.port` and listens (with faults.refuse it only binds);
  // serving stops once `stop_fd` (a signalfd of SIGTERM and SIGINT, or a
  // pipe) is readable. Throws Error(usage) for a host that is not an IPv4
  // address, Error(unavailable) when the address cannot be bound.
  Server(ServerOptions o, const Snapshot& snapshot, int stop_fd);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the one picked for port 0).
  int port() const { return port_; }
  // Serves until the stop descriptor is readable.
  void run();
  // One round: waits up to `timeout_ms` (-1: no limit) for the stop
  // descriptor, a new client or requests, and serves what came; false once
  // stopped.
  bool serve_step(int timeout_ms);
  size_t clients() const { return clients_.size(); }

 private:
  struct Client {
    int fd;
    int requests = 0;
    std::vector<uint8_t> buf;  // RTU: bytes received so far
  };
  struct Context;  // libmodbus's

  void accept_client();
  void drop(int fd);
  bool pause(int ms);
  bool serve_one(int fd);
  bool serve_tcp(Client& c);
  bool serve_rtu(Client& c);
  bool send_reply(int fd, std::vector<uint8_t> adu);

  ServerOptions o_;
  int stop_fd_;
  int listen_fd_ = -1;
  int port_ = 0;
  Faults faults_;
  RequestHandler handler_;
  std::unique_ptr<Context> ctx_;
  std::vector<Client> clients_;
  bool stopping_ = false;
};

}  // namespace mtec::sim
