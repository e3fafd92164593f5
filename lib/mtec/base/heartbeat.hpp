// Stage heartbeats of the mtec2mqtt pipeline, so that systemd's watchdog
// means "every stage's loop turns" (alive), not "data arrive" (fresh):
// each stage's loop sends one line "<tool> <state>" to a FIFO at least every
// heartbeat interval, also while it backs off or waits for input; the stage
// that talks to systemd (mtec-publish) gathers them and feeds WATCHDOG=1
// only while every stage has been heard since the last feed. A stage that
// hangs (SIGSTOP, a blocked call, a dead loop) thus gets the pipeline
// restarted within WatchdogSec; an outage of the inverter or the broker
// never does.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtec/base/backoff.hpp"

namespace mtec {
inline namespace base {

// --- Interface ---

// The interval of the stages' beats and of the watchdog's feed: an eighth of
// systemd's watchdog timeout ($WATCHDOG_USEC, which the stages inherit from
// mtec2mqtt), between 0.5 s and 5 s (WatchdogSec=120: 5 s; 5: 625 ms); 5 s
// without a watchdog (the beats then only tell that every stage runs). Each
// beat wakes a stage and mtec-publish: at 0.5 s they were most of an idle
// pipeline's CPU (issue 26).
constexpr std::chrono::milliseconds kMinHeartbeatInterval{500};
constexpr std::chrono::milliseconds kMaxHeartbeatInterval{5000};
std::chrono::milliseconds heartbeat_interval(const char* watchdog_usec);
std::chrono::milliseconds heartbeat_interval_from_env();

// "mtec-read mtec-calc mtec-write" ($MTEC_STAGES, $MTEC_PIPELINE) -> the
// names; nullptr or blank: none.
std::vector<std::string> stage_names(const char* list);

// The FIFO's path is $MTEC_HEARTBEAT (set by mtec2mqtt); without it a
// sender does nothing.
class HeartbeatSender {
 public:
  // `tool` names the stage; `path` "" disables it.
  HeartbeatSender(std::string tool, const std::string& path,
                  std::chrono::milliseconds interval = kMaxHeartbeatInterval);
  static HeartbeatSender from_env(std::string tool);
  ~HeartbeatSender();
  HeartbeatSender(const HeartbeatSender&) = delete;
  HeartbeatSender& operator=(const HeartbeatSender&) = delete;

  // Sends "<tool> <state>\n" when the interval has passed since the last
  // beat or `state` changed (non-blocking: a full FIFO drops the beat).
  void beat(TimePoint now, std::string_view state = "ok");
  bool enabled() const { return fd_ >= 0; }
  std::chrono::milliseconds interval() const { return interval_; }
  // Milliseconds until the next beat is due (-1 when disabled).
  int due_in_ms(TimePoint now) const;
  // A poll timeout `timeout_ms` (-1: none) shortened to the next beat.
  int cap(int timeout_ms, TimePoint now) const {
    const int due = due_in_ms(now);
    return due < 0 ? timeout_ms : timeout_ms < 0 ? due : std::min(due, timeout_ms);
  }

 private:
  std::string tool_;
  std::chrono::milliseconds interval_;
  int fd_ = -1;
  std::optional<TimePoint> last_;
  std::string state_;
};

// What the supervisor side knows of the stages.
class HeartbeatMonitor {
 public:
  explicit HeartbeatMonitor(std::vector<std::string> stages) : stages_(std::move(stages)) {}
  // One line as a sender writes it; lines of unknown stages are ignored.
  void heard(std::string_view line, TimePoint now);
  // Every stage has been heard at least once (each runs its loop).
  bool all_started() const;
  // Every stage has been heard after `t`.
  bool all_heard_since(TimePoint t) const;
  // The stages not heard for `d` at `now` (for the log).
  std::vector<std::string> silent(Duration d, TimePoint now) const;
  // The state a stage last sent ("" before its first beat).
  std::string state(const std::string& stage) const;

 private:
  struct Seen {
    TimePoint at;
    std::string state;
  };
  std::vector<std::string> stages_;
  std::map<std::string, Seen, std::less<>> seen_;
};

// What the notifying stage tells systemd: READY=1 as soon as every stage
// runs its loop (whether or not the inverter and the broker answer),
// WATCHDOG=1 while every stage has been heard since the last feed (at most
// every `interval`), STATUS=<words> whenever they change. Without
// stages (a tool run on its own) its own loop is all there is.
class ServiceNotifier {
 public:
  using Notify = std::function<bool(const std::string&)>;  // sd_notify
  ServiceNotifier(std::vector<std::string> stages, Notify notify,
                  std::chrono::milliseconds interval = kMaxHeartbeatInterval)
      : monitor_(std::move(stages)), notify_(std::move(notify)), interval_(interval) {}
  std::chrono::milliseconds interval() const { return interval_; }
  HeartbeatMonitor& monitor() { return monitor_; }
  // Each turn of the notifying stage's loop, with what the service is doing.
  void tick(TimePoint now, const std::string& status);
  bool ready() const { return ready_; }
  // Whether the last tick withheld the watchdog (a stage is silent).
  bool withheld() const { return withheld_; }

 private:
  HeartbeatMonitor monitor_;
  Notify notify_;
  std::chrono::milliseconds interval_;
  bool ready_ = false, withheld_ = false;
  TimePoint last_feed_{};
  std::string status_;
};

// Reads heartbeat lines from the FIFO at `path` (opened read-write and
// non-blocking, so it never sees end of input).
class HeartbeatReader {
 public:
  explicit HeartbeatReader(const std::string& path);
  ~HeartbeatReader();
  HeartbeatReader(const HeartbeatReader&) = delete;
  HeartbeatReader& operator=(const HeartbeatReader&) = delete;
  int fd() const { return fd_; }
  // Hands every complete line that can be read now to `monitor`.
  void drain(HeartbeatMonitor& monitor, TimePoint now);

 private:
  int fd_ = -1;
  std::string buf_;
};

}  // namespace base
}  // namespace mtec
