// mtec-write's command engine (--stdin): the commands from mtec-publish
// (read and encoded by command_input.hpp) applied so that they cannot wear
// out or surprise the inverter.
//  - Only writes that change something: the register is read first; a write
//    of the words it already holds is skipped ("unchanged").
//  - Last value wins, at a bounded rate (WriteQueue, WRITE_MIN_INTERVAL).
//  - Commands expire: one older than WRITE_MAX_AGE (from its "ts") is never
//    applied.
//  - Unknown outcomes are told as such: a write that went out without an
//    answer is never retried; the register is read back once the inverter
//    answers again, and that says whether it was applied.
//  - Nothing was written (no connection, a read that failed): the command
//    stays pending and is tried again with backoff until it expires.
// Every outcome is one result line (NDJSON, through `report`), a log line
// and a metric. Time is passed in.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtec/base/backoff.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/control/register_io.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/write_queue.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

struct WriteRules {
  Duration min_interval{5000};  // WRITE_MIN_INTERVAL: per register
  Duration max_age{30000};      // WRITE_MAX_AGE: commands older than this are not applied
};

struct Clocks {
  TimePoint steady;  // for intervals and retries
  WallTime wall;     // for the commands' "ts"
};

// "0x0102 0x0000": register words for messages.
std::string hex_words(const std::vector<uint16_t>& words);

// What one attempt to write did.
struct WriteAttempt {
  enum class Result {
    applied,    // written and read back as requested
    unchanged,  // the register already held the words: nothing written
    not_sent,   // nothing was written (no connection, the first read failed)
    unknown,    // sent without an answer: it may have been applied
    failed,     // answered and not applied (an exception reply), or read back otherwise
  } result = Result::failed;
  std::vector<uint16_t> read_back;  // the register's words, when known
  std::optional<Error> error;       // for not_sent, unknown, failed
};

// Read the register, skip the write when it holds `w.words` already, else
// write and read back. Never throws for the outcomes above.
WriteAttempt attempt_write(control::RegisterIO& io, const EncodedWrite& w, bool raw = false);

// The result line of a command: {"key","address","requested","words",
// "read_back"?,"outcome","ok","error"?}; outcome is applied, unchanged,
// unknown, failed, expired, not applied, or "dry run" ({"dry_run":true}).
nlohmann::json result_line(const EncodedWrite& w, std::string_view outcome,
                           const std::vector<uint16_t>* read_back, const Error* error);

class CommandWriter {
 public:
  using Report = std::function<void(const nlohmann::json&)>;
  // Declares its metric families in `metrics`.
  CommandWriter(control::RegisterIO& io, WriteRules rules, const Logger& log, Metrics& metrics,
                Report report, RandomSource random);

  // A command arrives at `now`: an expired one is reported and dropped;
  // else it is queued for its register (replacing one pending there).
  void offer(QueuedCommand c, Clocks now);
  // Does what is due at `now`: expires, writes the due commands, reads back
  // the registers whose last write has an unknown outcome.
  void run(Clocks now);
  // When run() has work next; nullopt when there is nothing to do.
  std::optional<TimePoint> next_work() const;
  // Nothing pending, no outcome unknown.
  bool idle() const { return queue_.pending() == 0 && unknown_.empty(); }
  // At the end (a stop, or input ended with work left): reports each
  // pending command as not applied and each unknown outcome as still unknown.
  void abandon(std::string_view why);

 private:
  struct Unknown {
    EncodedWrite write;
    TimePoint next_try;
  };
  bool expired(const QueuedCommand& c, Clocks now) const;
  void expire(const QueuedCommand& c);
  void apply(QueuedCommand c, Clocks now);
  // Reads back a register whose last write's outcome is unknown; true when
  // that settled it (told and released), false while nothing answers.
  bool verify(uint16_t address, Unknown& u, Clocks now);
  // The inverter did not answer: nothing is tried before the backoff's delay.
  void unreachable(Clocks now);
  // It answered: the backoff starts over.
  void answered();
  bool waiting(TimePoint now) const;
  void count(const char* result);
  void skipped(const char* reason);

  control::RegisterIO& io_;
  WriteRules rules_;
  const Logger& log_;
  Metrics& metrics_;
  Report report_;
  WriteQueue queue_;
  Backoff backoff_;
  std::optional<TimePoint> retry_at_;    // the inverter did not answer: wait until then
  std::map<uint16_t, Unknown> unknown_;  // by address
};

}  // namespace inverter
}  // namespace mtec
