// The command path of an MQTT session: a /set message becomes one NDJSON
// line (command_line in state_messages.hpp) written to --commands-out (a
// file or mtec-write's FIFO) in one non-blocking write. A full FIFO drops
// the new command whole; topics that are no key's command topic are
// ignored, bad commands rejected, each warned once then counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/inverter/catalog.hpp"

namespace mtec::mqtt {

// --- Interface ---

class CommandRelay {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  // Commands for keys of `catalog` under `root` go to `path` ("" : nowhere,
  // accepted commands are only logged); `repeats` sums up repeated warnings;
  // `wall` stamps the lines.
  CommandRelay(const Catalog& catalog, std::string path, std::string root, const Logger& log,
               RepeatedWarnings& repeats, WallClock wall);
  ~CommandRelay();
  CommandRelay(const CommandRelay&) = delete;
  CommandRelay& operator=(const CommandRelay&) = delete;

  // Count the results in `m` (mtec_commands_total{result=...}, declared by the session).
  void attach(Metrics& m) { metrics_ = &m; }
  // A /set message on `topic` for the device `serial`.
  void relay(const std::string& topic, const std::string& payload, const std::string& serial);

 private:
  void count(const char* result);
  // Writes `text`; false when the command was dropped (logged).
  bool write(const std::string& text, const std::string& key, const std::string& payload);

  const Catalog& catalog_;
  std::string path_, root_;
  const Logger& log_;
  RepeatedWarnings& repeats_;
  WallClock wall_;
  Metrics* metrics_ = nullptr;
  int fd_ = -1;
  std::set<std::string> ignored_topics_;  // warned once each (at most 64)
  uint64_t dropped_full_ = 0;             // commands dropped while the FIFO is full
};

}  // namespace mtec::mqtt
