#include "mtec/inverter/follow.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <set>

#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/control/control_handler.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/read_report.hpp"
#include "mtec/modbus/hints.hpp"

namespace mtec {
inline namespace inverter {

namespace {

Schedule::Periods periods_of(const Settings& s) {
  return {s.refresh_now, s.refresh_config, s.refresh_day, s.refresh_total, s.refresh_static};
}

std::string text_value(const Frame& f, std::string_view key) {
  for (const auto& [k, v] : f.values)
    if (k == key && is_str(v)) return std::get<std::string>(v);
  return {};
}

std::string or_unknown(const std::string& s) { return s.empty() ? "unknown" : s; }

}  // namespace

Follower::Follower(const FollowSetup& setup, modbus::Device& device, FollowWaiter& waiter,
                   HeartbeatSender& beat, Metrics& metrics, FrameOut out, RandomSource random,
                   FollowClocks clocks)
    : catalog_(setup.catalog),
      settings_(setup.settings),
      log_(setup.log),
      raw_(setup.raw),
      device_(device),
      waiter_(waiter),
      beat_(beat),
      metrics_(metrics),
      out_(std::move(out)),
      clocks_(std::move(clocks)),
      link_(device, setup.log, std::move(random)),
      schedule_(periods_of(setup.settings), clocks_.steady()),
      policy_{setup.settings.modbus_retries,
              read_budget(setup.settings.refresh_now, device.endpoint().timeout), &memory_,
              clocks_.steady},
      repeats_(setup.log, clocks_.steady) {
  declare_metrics();
}

void Follower::declare_metrics() {
  metrics_.counter(metric::kModbusRequests, "Modbus requests by result and error class");
  metrics_.histogram(metric::kModbusRequestDuration, "Duration of Modbus requests",
                     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
  metrics_.counter(metric::kModbusConnectAttempts, "Connection attempts to the inverter");
  metrics_.state_gauge(metric::kModbusConnected, "1 while connected to the inverter");
  metrics_.state_gauge(metric::kModbusBreakerOpen,
                       "1 while the circuit breaker keeps requests back");
  metrics_.gauge(metric::kGroupLastSuccess, "Last read of a group with data (Unix time)");
  metrics_.counter(metric::kFramesOut, "Frames written");
  metrics_.counter(metric::kSerialRefused,
                   "Static reads whose serial number cannot be a topic level");
  metrics_.add(metric::kSerialRefused, 0);
  metrics_.set(metric::kModbusConnected, 0);
  metrics_.set(metric::kModbusBreakerOpen, 0);
  metrics_.add(metric::kFramesOut, 0);
  metrics_.add(metric::kModbusConnectAttempts, 0);
  metrics_.write();
}

void Follower::request_done(bool ok, std::string_view cls, double seconds) {
  metrics_.add(
      metric::kModbusRequests, 1,
      ok ? std::string("result=\"ok\"") : fmt::format("result=\"error\",class=\"{}\"", cls));
  metrics_.observe(metric::kModbusRequestDuration, seconds);
}

void Follower::beat() {
  if (!beat_.enabled()) return;
  if (!link_.down()) {
    down_since_.clear();
  } else if (down_since_.empty()) {
    const auto t = std::chrono::system_clock::to_time_t(clocks_.wall());
    down_since_ = fmt::format("{:%H:%M:%S}", fmt::localtime(t));
  }
  beat_.beat(clocks_.steady(),
             down_since_.empty() ? "ok" : "inverter unreachable since " + down_since_);
}

void Follower::update_link_metrics() {
  metrics_.set(metric::kModbusConnected, device_.connected() ? 1 : 0);
  metrics_.set(metric::kModbusBreakerOpen,
               link_.breaker().state() == CircuitBreaker::State::closed ? 0 : 1);
  metrics_.set(metric::kModbusConnectAttempts, static_cast<double>(link_.connect_attempts()));
}

void Follower::run() {
  TimePoint next = clocks_.steady();
  while (true) {
    if (!wait_until(next)) return;
    const auto now = clocks_.steady();
    if (now < next) continue;  // woke for a control request
    if (!cycle(now)) return;
    if (!device_.connected())
      next = link_.retry_at();
    else if (serial_.empty())
      next = now + serial_retry();
    else
      next = schedule_.next_iteration(clocks_.steady());
  }
}

// The static group gave no serial (yet): retry like the legacy (10 s), or
// sooner with a short REFRESH_NOW.
std::chrono::milliseconds Follower::serial_retry() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::min(Seconds(10), settings_.refresh_now));
}

// Waits for `deadline`, waking for the metrics, the heartbeat and idle
// control clients on the way; false on stop.
bool Follower::wait_until(TimePoint deadline) {
  const FollowWaiter::Handler handle = [this](const control::ControlRequest& req) {
    return on_control(req);
  };
  for (;;) {
    update_link_metrics();
    metrics_.maybe_write(clocks_.steady());
    waiter_.close_idle(clocks_.steady());
    beat();
    const bool metrics_first = metrics_.enabled() && metrics_.next_write() < deadline;
    TimePoint wake = metrics_first ? metrics_.next_write() : deadline;
    const bool beat_first = beat_.enabled() && clocks_.steady() + beat_.interval() < wake;
    if (beat_first) wake = clocks_.steady() + beat_.interval();
    // while clients are connected, wake each second to close idle ones
    const bool idle_check = waiter_.clients() && clocks_.steady() + std::chrono::seconds(1) < wake;
    if (idle_check) wake = clocks_.steady() + std::chrono::seconds(1);
    switch (waiter_.wait(wake, handle)) {
      case FollowWaiter::Woke::again: continue;
      case FollowWaiter::Woke::due:
        if (metrics_first || idle_check || beat_first)
          continue;  // only metrics, idle clients or the heartbeat were due
        return true;
      case FollowWaiter::Woke::early: return true;
      case FollowWaiter::Woke::stop: return false;
    }
  }
}

nlohmann::json Follower::on_control(const control::ControlRequest& req) {
  if (req.op == control::ControlRequest::Op::write)
    if (const auto why = refuse_write(catalog_, req.address, req.words, req.raw)) {
      log_.warn(fmt::format("control: refused a write: {}", *why));
      return control::control_error(ErrorClass::no_perm, *why);
    }
  return control::execute_control(req, device_, link_, clocks_.steady(), log_);
}

// One iteration; false when the frames' reader is gone. The static frame
// (serial, model, firmware: what discovery needs) precedes the first values.
bool Follower::cycle(TimePoint now) {
  const bool was_down = link_.down();
  if (!link_.ensure(now)) return true;
  update_link_metrics();  // connected: told before the first (maybe slow) read
  metrics_.maybe_write(clocks_.steady());
  if (serial_.empty() || was_down) {
    if (!read_groups({Group::statics}, now)) return false;
    if (serial_.empty()) return true;  // retried after serial_retry()
  }
  bool ok = read_groups(schedule_.due(now), now);
  update_link_metrics();
  return ok;
}

// Reads `groups` in one plan and writes their frames; false when the frames'
// reader is gone.
bool Follower::read_groups(const std::vector<Group>& groups, TimePoint now) {
  std::vector<const Register*> regs;
  for (const Group g : groups)
    for (const Register* r : catalog_.group(g))
      if (r->address) regs.push_back(r);
  memory_.expire(now);
  const ReadOutcome outcome = read_registers(device_, regs, settings_.modbus_max_gap, policy_);
  note(outcome, name_list(group_names(groups), groups.size()), now);
  if (serial_.empty()) {
    serial_ = serial_from(catalog_, outcome);
    if (serial_.empty()) {
      warn_no_serial(outcome);
      return true;
    }
  }
  const std::set<const Register*> selected(regs.begin(), regs.end());
  auto frames = frames_by_group(catalog_, groups, selected, outcome, iso_timestamp(clocks_.wall()),
                                serial_, raw_);
  const double unix_now = std::chrono::duration<double>(clocks_.wall().time_since_epoch()).count();
  for (const auto& f : frames) {
    schedule_.done(f.group, now, !f.values.empty());
    if (f.group == Group::statics) note_static(f);
    if (!f.values.empty())
      metrics_.set(metric::kGroupLastSuccess, unix_now,
                   fmt::format("group=\"{}\"", group_name(f.group)));
  }
  if (outcome.connection_lost)  // a group that read nothing: no frame
    std::erase_if(frames, [](const Frame& f) { return f.values.empty(); });
  if (frames.empty()) return true;
  if (!out_(frames)) return false;
  metrics_.add(metric::kFramesOut, static_cast<double>(frames.size()));
  return true;
}

// A read without failures that gave no serial: told once, then counted.
void Follower::warn_no_serial(const ReadOutcome& outcome) {
  if (outcome.connection_lost || !outcome.errors.empty()) return;
  if (const auto bad = refused_serial(catalog_, outcome)) {
    metrics_.add(metric::kSerialRefused);
    repeats_.warn("serial refused", "",
                  fmt::format("the serial number '{}' is not a valid topic level ('/', "
                              "'+', '#', control characters): no frames until it is; "
                              "retrying",
                              untrusted(*bad)));
  } else {
    repeats_.warn("no serial", "", "the static group gave no serial number yet; retrying");
  }
}

// The inverter is named once (and again when serial or firmware change);
// what the device refused is learned per firmware: another one starts over.
void Follower::note_static(const Frame& f) {
  const std::string fw = text_value(f, "firmware_version");
  if (!firmware_.empty() && fw != firmware_ && memory_.size()) {
    log_.info(fmt::format("firmware {} (was {}): read plan learned again", untrusted(fw),
                          untrusted(firmware_)));
    memory_.forget();
  }
  if (f.serial != named_serial_ || fw != firmware_) {
    const auto& ep = device_.endpoint();
    log_.notice(fmt::format(
        "inverter {} (unit {}, {} framing): serial {}, model {}, firmware {}", device_.peer(),
        ep.unit, modbus::framer_name(ep.framer), untrusted(f.serial),
        untrusted(or_unknown(text_value(f, "equipment_info"))), untrusted(or_unknown(fw))));
    named_serial_ = f.serial;
  }
  firmware_ = fw;
}

void Follower::note(const ReadOutcome& outcome, const std::string& asked, TimePoint now) {
  const ReadReport report = report_read(outcome, asked, device_.endpoint(), device_.peer());
  for (const auto& line : report.refusals) log_.warn(line);
  if (!outcome.words.empty()) link_.succeeded(now);
  if (outcome.connection_lost) {
    link_.failed(now, report.failure, report.hint);
  } else if (!report.failure.empty()) {
    log_.warn(report.failure);
    if (!report.hint.empty()) log_.hint(report.hint);
  }
}

}  // namespace inverter
}  // namespace mtec
