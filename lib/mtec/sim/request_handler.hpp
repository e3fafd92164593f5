// The simulated device's answer to one request PDU, as the inverter gives
// it: function codes 0x03 (read holding registers), 0x06 and 0x10 (write
// single and multiple), exceptions 01 to 03 for what it cannot do, the
// injected exceptions, and an NDJSON line per request and per write.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "mtec/sim/faults.hpp"
#include "mtec/sim/register_map.hpp"
#include "mtec/sim/snapshot.hpp"

namespace mtec::sim {

// --- Interface ---

struct DeviceOptions {
  int unit = 247;              // requests for other unit ids are not answered
  bool ignore_writes = false;  // acknowledge writes but keep the old words
  // Like a device that refuses reads spanning unmapped addresses: a request
  // touching an address outside `mapped` gets exception 02.
  bool strict_map = false;
  std::set<uint16_t> mapped;  // with strict_map: the catalog's register words
  // --animate: words to serve from now on, asked for before every read.
  std::function<Snapshot()> animate;
  FILE* write_log = nullptr;    // NDJSON line per write (stderr when null)
  FILE* request_log = nullptr;  // NDJSON line per request (--request-log), for counting
  // The write log's "ts_ms" (milliseconds since the epoch); the system clock when empty.
  std::function<int64_t()> now_ms;
};

class RequestHandler {
 public:
  // Serves `snapshot`'s words; `faults` (its exceptions) must outlive the handler.
  RequestHandler(DeviceOptions o, const Snapshot& snapshot, const Faults& faults);

  // The reply PDU to the request `pdu` for `unit`; nullopt for another unit
  // id (no answer, like a real gateway). Logs the request (with the
  // exception code if refused) and any write.
  std::optional<std::vector<uint8_t>> answer(std::span<const uint8_t> pdu, int unit);

  const RegisterMap& registers() const { return map_; }

 private:
  std::vector<uint8_t> handle(std::span<const uint8_t> pdu, int unit);
  void log_write(int unit, int fc, int addr, const std::vector<uint16_t>& words);

  DeviceOptions o_;
  const Faults& faults_;
  RegisterMap map_;
};

}  // namespace mtec::sim
