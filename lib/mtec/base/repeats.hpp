// Warnings that repeat: the same kind about the same key (a topic, a key, a
// serial) is logged the first time, then summed up with a count at most once
// per interval, and what is left is summed up at the end. Keys come from
// outside, so their number is bounded: beyond the bound, the new keys of a
// kind share one entry. The clock is injected.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "mtec/base/backoff.hpp"
#include "mtec/base/log.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

class RepeatedWarnings {
 public:
  using Clock = std::function<TimePoint()>;
  explicit RepeatedWarnings(const Logger& log, Clock clock = std::chrono::steady_clock::now,
                            Duration every = std::chrono::minutes(1), size_t max_keys = 256);
  ~RepeatedWarnings() { flush(); }
  RepeatedWarnings(const RepeatedWarnings&) = delete;
  RepeatedWarnings& operator=(const RepeatedWarnings&) = delete;

  // Warning `message` of `kind` about `key`: logged when it is the first of
  // its kind and key; later ones are counted, and when the interval has
  // passed since it was last logged, "<message> (N times in the last S s)".
  // Returns whether a line was written.
  bool warn(std::string_view kind, std::string_view key, std::string_view message);
  // The counts not yet told: "<last message> (N more times)", each once.
  void flush();

  // Occurrences of `kind` so far (logged or not).
  uint64_t count(std::string_view kind) const;

 private:
  struct Entry {
    TimePoint said;
    uint64_t untold = 0;
    std::string last;
  };
  const Logger& log_;
  Clock clock_;
  Duration every_;
  size_t max_keys_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, uint64_t, std::less<>> counts_;
};

}  // namespace base
}  // namespace mtec
