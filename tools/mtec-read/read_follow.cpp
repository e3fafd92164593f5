// --follow: the library's Follower on a Modbus connection, waiting on the
// stop signal and the control socket between reads.
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <random>

#include "mtec/app/tool_options.hpp"
#include "mtec/base/heartbeat.hpp"
#include "mtec/base/line_writer.hpp"
#include "mtec/base/metrics.hpp"
#include "mtec/base/stop_signals.hpp"
#include "mtec/control/control.hpp"
#include "mtec/inverter/follow.hpp"
#include "read_job.hpp"

namespace mtec::read {

namespace {

// poll(2) on the stop signal's descriptor and the control socket's.
class PollWaiter final : public FollowWaiter {
 public:
  PollWaiter(int stop_fd, const std::string& control_path) : stop_fd_(stop_fd) {
    if (!control_path.empty()) control_ = std::make_unique<control::ControlServer>(control_path);
  }

  Woke wait(TimePoint until, const Handler& handle) override {
    std::vector<pollfd> fds = {{stop_fd_, POLLIN, 0}};
    if (control_)
      for (int fd : control_->fds()) fds.push_back({fd, POLLIN, 0});
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    const int n =
        ::poll(fds.data(), fds.size(), left.count() > 0 ? static_cast<int>(left.count()) + 1 : 0);
    if (n < 0 && errno == EINTR) return Woke::again;
    if (n == 0) return Woke::due;
    if (n < 0) return Woke::early;  // back to the loop, which looks at the time
    if (fds[0].revents) return Woke::stop;
    for (size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents) control_->on_readable(fds[i].fd, handle);
    return Woke::early;
  }
  bool clients() const override { return control_ && control_->fds().size() > 1; }
  void close_idle(TimePoint now) override {
    if (control_) control_->close_idle(now);
  }

 private:
  int stop_fd_;
  std::unique_ptr<control::ControlServer> control_;
};

}  // namespace

int read_follow(const ReadJob& job) {
  const StopSignals stop;
  modbus::Client client(app::endpoint_of(job.settings), stop.fd());
  std::mt19937_64 rng(std::random_device{}());
  Metrics metrics(job.metrics_file, "mtec-read", job.metrics_interval);
  metrics.expect_stages(job.metrics_stages);
  HeartbeatSender beat = HeartbeatSender::from_env("mtec-read");
  PollWaiter waiter(stop.fd(), job.control_path);
  LineWriter out;
  Follower follower(
      {job.catalog, job.settings, job.log, job.raw}, client, waiter, beat, metrics,
      [&out](const std::vector<Frame>& frames) {
        for (const auto& f : frames) out.add(frame_line(f));
        return out.flush();
      },
      [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); });
  client.set_observer([&follower](bool ok, std::string_view cls, double seconds) {
    follower.request_done(ok, cls, seconds);
  });
  client.set_waiting([&follower] { follower.beat(); }, beat.interval());
  try {
    follower.run();
  } catch (const modbus::Interrupted&) {
    // a stop signal during a request: drop the frame and end cleanly
  }
  job.log.info("stopped");
  return 0;
}

}  // namespace mtec::read
