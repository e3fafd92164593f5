// --follow: the legacy schedule at a fixed rate, reconnecting with backoff,
// executing control-socket requests between polls.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <random>

#include "mtec/base/errors.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/repeats.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/inverter/command.hpp"
#include "mtec/inverter/read_report.hpp"
#include "mtec/inverter/reader.hpp"
#include "mtec/inverter/schedule.hpp"
#include "mtec/inverter/tool_options.hpp"
#include "mtec/modbus/control.hpp"
#include "mtec/modbus/control_handler.hpp"
#include "mtec/modbus/hints.hpp"
#include "mtec/modbus/link.hpp"
#include "read_job.hpp"

namespace mtec::read {

namespace {

using Clock = std::chrono::steady_clock;

Schedule::Periods periods_of(const Settings& s) {
  return {s.refresh_now, s.refresh_config, s.refresh_day, s.refresh_total, s.refresh_static};
}

class Follower {
 public:
  Follower(const ReadJob& job, int stop_fd)
      : job_(job),
        client_(endpoint_of(job.settings), stop_fd),
        rng_(std::random_device{}()),
        link_(client_, job.log,
              [this] { return std::uniform_real_distribution<double>(0, 1)(rng_); }),
        schedule_(periods_of(job.settings), Clock::now()),
        policy_{job.settings.modbus_retries,
                read_budget(job.settings.refresh_now, client_.endpoint().timeout), &memory_},
        stop_fd_(stop_fd),
        metrics_(job.metrics_file, "mtec-read", job.metrics_interval),
        repeats_(job.log) {
    if (!job.control_path.empty()) control_ = std::make_unique<ControlServer>(job.control_path);
    metrics_.counter("mtec_modbus_requests_total", "Modbus requests by result and error class");
    metrics_.histogram("mtec_modbus_request_duration_seconds", "Duration of Modbus requests",
                       {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
    metrics_.counter("mtec_modbus_connect_attempts_total", "Connection attempts to the inverter");
    metrics_.expect_stages(job.metrics_stages);
    metrics_.state_gauge("mtec_modbus_connected", "1 while connected to the inverter");
    metrics_.state_gauge("mtec_modbus_breaker_open",
                         "1 while the circuit breaker keeps requests back");
    metrics_.gauge("mtec_group_last_success_timestamp_seconds",
                   "Last read of a group with data (Unix time)");
    metrics_.counter("mtec_frames_out_total", "Frames written");
    metrics_.counter("mtec_serial_refused_total",
                     "Static reads whose serial number cannot be a topic level");
    metrics_.add("mtec_serial_refused_total", 0);
    metrics_.set("mtec_modbus_connected", 0);
    metrics_.set("mtec_modbus_breaker_open", 0);
    metrics_.add("mtec_frames_out_total", 0);
    metrics_.add("mtec_modbus_connect_attempts_total", 0);
    client_.set_observer([this](bool ok, std::string_view cls, double seconds) {
      metrics_.add(
          "mtec_modbus_requests_total", 1,
          ok ? std::string("result=\"ok\"") : fmt::format("result=\"error\",class=\"{}\"", cls));
      metrics_.observe("mtec_modbus_request_duration_seconds", seconds);
    });
    client_.set_waiting([this] { beat(); }, beat_.interval());
    metrics_.write();
  }

  // The heartbeat (mtec2mqtt's watchdog) with what the reader is doing.
  void beat() {
    if (!beat_.enabled()) return;
    if (!link_.down()) {
      down_since_.clear();
    } else if (down_since_.empty()) {
      const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
      down_since_ = fmt::format("{:%H:%M:%S}", fmt::localtime(t));
    }
    beat_.beat(Clock::now(),
               down_since_.empty() ? "ok" : "inverter unreachable since " + down_since_);
  }

  void update_link_metrics() {
    metrics_.set("mtec_modbus_connected", client_.connected() ? 1 : 0);
    metrics_.set("mtec_modbus_breaker_open",
                 link_.breaker().state() == CircuitBreaker::State::closed ? 0 : 1);
    metrics_.set("mtec_modbus_connect_attempts_total",
                 static_cast<double>(link_.connect_attempts()));
  }

  // Returns when a stop signal arrived or stdout was closed.
  void run() {
    Clock::time_point next = Clock::now();
    while (true) {
      if (!wait_until(next)) return;
      const auto now = Clock::now();
      if (now < next) continue;  // woke for a control request
      if (!cycle(now)) return;
      if (!client_.connected())
        next = link_.retry_at();
      else if (serial_.empty())
        next = now + serial_retry();
      else
        next = schedule_.next_iteration(Clock::now());
    }
  }

 private:
  // The static group gave no serial (yet): retry like the legacy (10 s), or
  // sooner with a short REFRESH_NOW.
  std::chrono::milliseconds serial_retry() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(Seconds(10), job_.settings.refresh_now));
  }

  // Poll stop signal and control socket until `deadline`; false on stop.
  bool wait_until(Clock::time_point deadline) {
    for (;;) {
      update_link_metrics();
      metrics_.maybe_write(Clock::now());
      if (control_) control_->close_idle(Clock::now());
      beat();
      const bool metrics_first = metrics_.enabled() && metrics_.next_write() < deadline;
      Clock::time_point wake = metrics_first ? metrics_.next_write() : deadline;
      const bool beat_first = beat_.enabled() && Clock::now() + beat_.interval() < wake;
      if (beat_first) wake = Clock::now() + beat_.interval();
      // while clients are connected, wake each second to close idle ones
      const bool clients = control_ && control_->fds().size() > 1;
      const bool idle_check = clients && Clock::now() + std::chrono::seconds(1) < wake;
      if (idle_check) wake = Clock::now() + std::chrono::seconds(1);
      std::vector<pollfd> fds = {{stop_fd_, POLLIN, 0}};
      if (control_)
        for (int fd : control_->fds()) fds.push_back({fd, POLLIN, 0});
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
      const int n =
          ::poll(fds.data(), fds.size(), left.count() > 0 ? static_cast<int>(left.count()) + 1 : 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 && (metrics_first || idle_check || beat_first))
        continue;  // only metrics, idle clients or the heartbeat were due
      if (n <= 0) return true;
      if (fds[0].revents) return false;
      for (size_t i = 1; i < fds.size(); ++i)
        if (fds[i].revents)
          control_->on_readable(fds[i].fd,
                                [this](const ControlRequest& req) { return on_control(req); });
      return true;
    }
  }

  nlohmann::json on_control(const ControlRequest& req) {
    if (req.op == ControlRequest::Op::write)
      if (const auto why = refuse_write(job_.catalog, req.address, req.words, req.raw)) {
        job_.log.warn(fmt::format("control: refused a write: {}", *why));
        return control_error("no_perm", *why);
      }
    return execute_control(req, client_, link_, Clock::now(), job_.log);
  }

  // One iteration; false when stdout is gone. At start and after an outage
  // the static group comes first, on its own, and the full cycle follows at
  // once: the first values are there without waiting a period, and the static
  // frame (serial, model, firmware: what discovery needs) precedes them.
  bool cycle(Clock::time_point now) {
    const bool was_down = link_.down();
    if (!link_.ensure(now)) return true;
    update_link_metrics();  // connected: told before the first (maybe slow) read
    metrics_.maybe_write(Clock::now());
    if (serial_.empty() || was_down) {
      if (!read_groups({"static"}, now)) return false;
      if (serial_.empty()) return true;  // retried after serial_retry()
    }
    bool ok = read_groups(schedule_.due(now), now);
    update_link_metrics();
    return ok;
  }

  // Reads `groups` in one plan and writes their frames; false when stdout is gone.
  bool read_groups(const std::vector<std::string>& groups, Clock::time_point now) {
    std::vector<const Register*> regs;
    for (const auto& g : groups)
      for (const Register* r : job_.catalog.group(g))
        if (r->address) regs.push_back(r);
    memory_.expire(now);
    const ReadOutcome outcome =
        read_registers(client_, regs, job_.settings.modbus_max_gap, policy_);
    note(outcome, name_list(groups, groups.size()), now);
    if (serial_.empty()) {
      serial_ = serial_from(job_.catalog, outcome);
      if (serial_.empty() && !outcome.connection_lost && outcome.errors.empty()) {
        if (const auto bad = refused_serial(job_.catalog, outcome)) {
          metrics_.add("mtec_serial_refused_total");
          repeats_.warn("serial refused", "",
                        fmt::format("the serial number '{}' is not a valid topic level ('/', "
                                    "'+', '#', control characters): no frames until it is; "
                                    "retrying",
                                    untrusted(*bad)));
        } else {
          repeats_.warn("no serial", "", "the static group gave no serial number yet; retrying");
        }
      }
      if (serial_.empty()) return true;
    }
    const std::set<const Register*> selected(regs.begin(), regs.end());
    const auto frames =
        frames_by_group(job_.catalog, groups, selected, outcome,
                        iso_timestamp(std::chrono::system_clock::now()), serial_, job_.raw);
    const double unix_now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& f : frames) {
      schedule_.done(f.group, now, !f.values.empty());
      if (f.group == "static") note_static(f);
      if (!f.values.empty())
        metrics_.set("mtec_group_last_success_timestamp_seconds", unix_now,
                     fmt::format("group=\"{}\"", f.group));
      if (f.values.empty() && outcome.connection_lost) continue;  // nothing read: no frame
      if (!out_.write_line(frame_line(f))) return false;
      metrics_.add("mtec_frames_out_total");
    }
    return true;
  }

  // The inverter is named once (and again when serial or firmware change);
  // what the device refused is learned per firmware: another one starts over.
  void note_static(const Frame& f) {
    const std::string fw = text_value(f, "firmware_version");
    if (!firmware_.empty() && fw != firmware_ && memory_.size()) {
      job_.log.info(fmt::format("firmware {} (was {}): read plan learned again", untrusted(fw),
                                untrusted(firmware_)));
      memory_.forget();
    }
    if (f.serial != named_serial_ || fw != firmware_) {
      const auto& ep = client_.endpoint();
      job_.log.notice(fmt::format(
          "inverter {} (unit {}, {} framing): serial {}, model {}, firmware {}", client_.peer(),
          ep.unit, modbus::framer_name(ep.framer), untrusted(f.serial),
          untrusted(or_unknown(text_value(f, "equipment_info"))), untrusted(or_unknown(fw))));
      named_serial_ = f.serial;
    }
    firmware_ = fw;
  }

  static std::string text_value(const Frame& f, std::string_view key) {
    for (const auto& [k, v] : f.values)
      if (k == key && is_str(v)) return std::get<std::string>(v);
    return {};
  }
  static std::string or_unknown(const std::string& s) { return s.empty() ? "unknown" : s; }

  void note(const ReadOutcome& outcome, const std::string& asked, Clock::time_point now) {
    const ReadReport report = report_read(outcome, asked, client_.endpoint(), client_.peer());
    for (const auto& line : report.refusals) job_.log.warn(line);
    if (!outcome.words.empty()) link_.succeeded(now);
    if (outcome.connection_lost) {
      link_.failed(now, report.failure, report.hint);
    } else if (!report.failure.empty()) {
      job_.log.warn(report.failure);
      if (!report.hint.empty()) job_.log.hint(report.hint);
    }
  }

  const ReadJob& job_;
  modbus::Client client_;
  std::mt19937_64 rng_;
  Link link_;
  Schedule schedule_;
  PlanMemory memory_;
  ReadPolicy policy_;
  int stop_fd_;
  std::unique_ptr<ControlServer> control_;
  Metrics metrics_;
  HeartbeatSender beat_ = HeartbeatSender::from_env("mtec-read");
  std::string down_since_;    // HH:MM:SS while the inverter is unreachable
  RepeatedWarnings repeats_;  // a missing or refused serial: once, then a count a minute
  LineWriter out_;
  std::string serial_, firmware_, named_serial_;
};

}  // namespace

int read_follow(const ReadJob& job) {
  const StopSignals stop;
  Follower f(job, stop.fd());
  try {
    f.run();
  } catch (const modbus::Interrupted&) {
    // a stop signal during a request: drop the frame and end cleanly
  }
  job.log.info("stopped");
  return 0;
}

}  // namespace mtec::read
