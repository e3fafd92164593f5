// mtec-sim's Modbus TCP server: holding registers from a snapshot, function
// codes 0x03, 0x06 and 0x10, fault injection for tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "sim_snapshot.hpp"

namespace mtec::sim {

// --- Interface ---

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 1502;                     // 0: pick a free port
  int unit = 247;                      // requests for other unit ids are not answered
  bool rtu = false;                    // RTU frames (unit, PDU, CRC) over TCP instead of Modbus TCP
  int delay_ms = 0;                    // delay before every reply
  int drop_after = 0;                  // close a connection after this many requests (0: never)
  std::map<uint16_t, int> exceptions;  // address -> exception code
  bool single_client = false;          // refuse a second concurrent client
  bool refuse = false;                 // bind the port but never accept: connections are refused
  bool ignore_writes = false;          // acknowledge writes but keep the old words
  // Like a device that refuses reads spanning unmapped addresses: a request
  // touching an address outside `mapped` gets exception 02.
  bool strict_map = false;
  std::set<uint16_t> mapped;  // with strict_map: the catalog's register words
  // Structurally corrupt this share of replies (wrong transaction id, unit or
  // function, truncated, garbage; RTU also a bad CRC), chosen by `seed`.
  double corrupt = 0;
  uint64_t seed = 1;
  // --animate: words to serve from now on, asked for before every read.
  std::function<Snapshot()> animate;
  FILE* write_log = nullptr;    // NDJSON line per write (stderr by default)
  FILE* request_log = nullptr;  // NDJSON line per request (--request-log), for counting
};

// Serve `snapshot` until SIGTERM or SIGINT. Prints the bound port on stdout (one line) when ready,
// and, when stdout is a terminal, "mtec-sim: listening on HOST:PORT" on stderr.
// Throws Error(unavailable) when the address cannot be bound.
void serve(const ServerOptions& opts, const Snapshot& snapshot);

}  // namespace mtec::sim
