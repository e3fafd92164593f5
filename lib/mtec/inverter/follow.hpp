// mtec-read --follow's engine: the legacy schedule at a fixed rate over one
// device connection, kept up with backoff (an outage is told once, its end
// again), the stage's heartbeat, the metrics, and the control socket's
// requests answered between reads. The device, the wait between reads, the
// frames' destination and the clocks are passed in, so a unit test drives
// it with a scripted device and a fake clock.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mtec/base/backoff.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/log.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/config/config.hpp"
#include "mtec/control/control.hpp"
#include "mtec/inverter/catalog.hpp"
#include "mtec/inverter/frame.hpp"
#include "mtec/inverter/plan.hpp"
#include "mtec/inverter/reader.hpp"
#include "mtec/inverter/schedule.hpp"
#include "mtec/modbus/link.hpp"
#include "mtec/modbus/modbus_client.hpp"

namespace mtec {
inline namespace inverter {

// --- Interface ---

// Where the loop waits between reads: the tool polls its stop signal and the
// control socket; a test scripts it.
class FollowWaiter {
 public:
  enum class Woke {
    due,    // `until` came
    again,  // a signal interrupted the wait: wait again
    early,  // woke before `until` (control requests were answered)
    stop,   // a stop signal: the loop ends
  };
  using Handler = std::function<nlohmann::json(const control::ControlRequest&)>;
  virtual ~FollowWaiter() = default;
  // Waits until `until` at most, answering each control request that comes
  // with `handle`.
  virtual Woke wait(TimePoint until, const Handler& handle) = 0;
  // Whether control clients are connected (the loop then wakes each second
  // to close the idle ones), and closing those idle at `now`.
  virtual bool clients() const = 0;
  virtual void close_idle(TimePoint now) = 0;
};

struct FollowSetup {
  const Catalog& catalog;
  const Settings& settings;
  const Logger& log;
  bool raw = false;  // the words read in each frame (--raw)
};

struct FollowClocks {
  std::function<TimePoint()> steady = [] { return std::chrono::steady_clock::now(); };
  std::function<std::chrono::system_clock::time_point()> wall = [] {
    return std::chrono::system_clock::now();
  };
};

class Follower {
 public:
  // The frames of one read, to be written at once (one wake-up for the next
  // stage); false when their reader has gone (the loop ends).
  using FrameOut = std::function<bool(const std::vector<Frame>&)>;
  // Declares its metric families in `metrics` and writes them.
  Follower(const FollowSetup& setup, modbus::Device& device, FollowWaiter& waiter,
           HeartbeatSender& beat, Metrics& metrics, FrameOut out, RandomSource random,
           FollowClocks clocks = {});
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Reads until the waiter says stop or the frames' reader has gone. At the
  // start and after an outage the static group comes first, on its own, and
  // the full cycle at once; no frames until a serial number is read.
  void run();
  // The heartbeat with what the reader is doing ("ok", "inverter
  // unreachable since HH:MM:SS"); the device calls it while it waits.
  void beat();
  // A request to the device ended: `ok`, else the failure's class; for the metrics.
  void request_done(bool ok, std::string_view cls, double seconds);

 private:
  bool wait_until(TimePoint deadline);
  nlohmann::json on_control(const control::ControlRequest& req);
  bool cycle(TimePoint now);
  bool read_groups(const std::vector<Group>& groups, TimePoint now);
  void warn_no_serial(const ReadOutcome& outcome);
  void note_static(const Frame& f);
  void note(const ReadOutcome& outcome, const std::string& asked, TimePoint now);
  void update_link_metrics();
  void declare_metrics();
  std::chrono::milliseconds serial_retry() const;

  const Catalog& catalog_;
  const Settings& settings_;
  const Logger& log_;
  bool raw_;
  modbus::Device& device_;
  FollowWaiter& waiter_;
  HeartbeatSender& beat_;
  Metrics& metrics_;
  FrameOut out_;
  FollowClocks clocks_;
  modbus::Link link_;
  Schedule schedule_;
  PlanMemory memory_;
  ReadPolicy policy_;
  std::string down_since_;    // HH:MM:SS while the inverter is unreachable
  RepeatedWarnings repeats_;  // a missing or refused serial: once, then a count a minute
  std::string serial_, firmware_, named_serial_;
};

}  // namespace inverter
}  // namespace mtec
