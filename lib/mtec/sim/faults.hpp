// The faults the simulator injects so that tests see a client cope with a
// real link's trouble: slow replies, connections closed after N requests,
// exception replies at named addresses, a refused second client or every
// connection refused, and structurally corrupt replies. The random choices
// come from an engine seeded by `seed`: one seed replays the same faults.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "mtec/modbus/modbus_frame.hpp"

namespace mtec::sim {

// --- Interface ---

struct FaultOptions {
  int delay_ms = 0;                    // delay before every reply
  int drop_after = 0;                  // close a connection after this many requests (0: never)
  std::map<uint16_t, int> exceptions;  // address -> exception code
  bool single_client = false;          // refuse a second concurrent client
  bool refuse = false;                 // bind the port but never accept: connections are refused
  double corrupt = 0;                  // share of replies corrupted structurally (0..1)
  uint64_t seed = 1;                   // of the corrupt replies' choices
};

// One structural fault a client must detect (never a plausible wrong value).
enum class Corruption {
  tid,        // the transaction id is off by one (RTU, which has none: a bad CRC)
  unit,       // another unit id
  function,   // another function code
  truncated,  // the PDU's last two bytes are gone, and the frame's length agrees
  garbage,    // every byte replaced by `random_byte`'s
  crc,        // RTU: a bad CRC
};

// Applies `kind` to the reply `adu` framed by `framer`. Except for garbage
// and crc, an RTU frame gets its CRC recomputed: the fault itself is what
// the client sees.
void corrupt_reply(std::vector<uint8_t>& adu, Corruption kind, modbus::Framer framer,
                   const std::function<uint8_t()>& random_byte);

class Faults {
 public:
  Faults(FaultOptions o, modbus::Framer framer)
      : o_(std::move(o)), framer_(framer), rng_(o_.seed) {}

  // The exception code configured for any address in [start, start+count).
  std::optional<int> exception_for(int start, int count) const;
  int reply_delay_ms() const { return o_.delay_ms; }
  // Whether a connection that has served `requests` requests is closed now.
  bool ends_connection(int requests) const;
  // Whether a new client is served while `open_clients` are connected.
  bool admits(size_t open_clients) const { return !o_.single_client || open_clients == 0; }
  // Whether the server accepts connections at all.
  bool accepts() const { return !o_.refuse; }
  // Corrupts `adu` with probability `corrupt` (a kind drawn evenly: five for
  // TCP, six for RTU); whether it did.
  bool maybe_corrupt(std::vector<uint8_t>& adu);

 private:
  FaultOptions o_;
  modbus::Framer framer_;
  std::mt19937_64 rng_;
};

}  // namespace mtec::sim
