#include "mtec/base/heartbeat.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

std::vector<std::string> stage_names(const char* list) {
  std::vector<std::string> out;
  std::istringstream in(list ? list : "");
  for (std::string name; in >> name;) out.push_back(name);
  return out;
}

std::chrono::milliseconds heartbeat_interval(const char* watchdog_usec) {
  const std::string_view text = watchdog_usec ? watchdog_usec : "";
  unsigned long long usec = 0;  // from_chars: digits only, no sign, no overflow
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), usec);
  if (ec != std::errc{} || end != text.data() + text.size() || usec == 0)
    return kMaxHeartbeatInterval;
  const auto eighth = std::chrono::milliseconds(usec / 8000);
  return std::clamp(eighth, kMinHeartbeatInterval, kMaxHeartbeatInterval);
}

std::chrono::milliseconds heartbeat_interval_from_env() {
  return heartbeat_interval(std::getenv("WATCHDOG_USEC"));
}

HeartbeatSender::HeartbeatSender(std::string tool, const std::string& path,
                                 std::chrono::milliseconds interval)
    : tool_(std::move(tool)), interval_(interval) {
  if (path.empty()) return;
  // O_RDWR: opening never blocks, even before the reader has the FIFO open
  fd_ = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0)
    throw Error(ErrorClass::io,
                fmt::format("heartbeat FIFO {} (MTEC_HEARTBEAT): {}", path, std::strerror(errno)));
}

HeartbeatSender HeartbeatSender::from_env(std::string tool) {
  const char* p = std::getenv("MTEC_HEARTBEAT");
  return HeartbeatSender(std::move(tool), p ? p : "", heartbeat_interval_from_env());
}

HeartbeatSender::~HeartbeatSender() {
  if (fd_ >= 0) ::close(fd_);
}

void HeartbeatSender::beat(TimePoint now, std::string_view state) {
  if (fd_ < 0) return;
  if (last_ && now - *last_ < interval_ && state == state_) return;
  last_ = now;
  state_ = std::string(state);
  const std::string line = fmt::format("{} {}\n", tool_, state_.substr(0, 200));
  [[maybe_unused]] const ssize_t n = ::write(fd_, line.data(), line.size());  // full: dropped
}

int HeartbeatSender::due_in_ms(TimePoint now) const {
  if (fd_ < 0) return -1;
  if (!last_) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*last_ + interval_ - now);
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

void HeartbeatMonitor::heard(std::string_view line, TimePoint now) {
  const auto space = line.find(' ');
  const std::string_view stage = line.substr(0, space);
  for (const auto& s : stages_)
    if (s == stage) {
      seen_[s] = {now, space == std::string_view::npos ? "" : std::string(line.substr(space + 1))};
      return;
    }
}

bool HeartbeatMonitor::all_started() const {
  for (const auto& s : stages_)
    if (!seen_.count(s)) return false;
  return true;
}

bool HeartbeatMonitor::all_heard_since(TimePoint t) const {
  for (const auto& s : stages_) {
    const auto it = seen_.find(s);
    if (it == seen_.end() || it->second.at <= t) return false;
  }
  return true;
}

std::vector<std::string> HeartbeatMonitor::silent(Duration d, TimePoint now) const {
  std::vector<std::string> out;
  for (const auto& s : stages_) {
    const auto it = seen_.find(s);
    if (it == seen_.end() || now - it->second.at >= d) out.push_back(s);
  }
  return out;
}

std::string HeartbeatMonitor::state(const std::string& stage) const {
  const auto it = seen_.find(stage);
  return it == seen_.end() ? "" : it->second.state;
}

void ServiceNotifier::tick(TimePoint now, const std::string& status) {
  if (!ready_) {
    if (!monitor_.all_started()) return;
    ready_ = true;
    last_feed_ = now;
    status_ = status;
    notify_("READY=1\nSTATUS=" + status);
    return;
  }
  withheld_ = !monitor_.all_heard_since(last_feed_);
  if (!withheld_ && now - last_feed_ >= interval_) {
    notify_("WATCHDOG=1");
    last_feed_ = now;
  }
  if (status != status_) {
    status_ = status;
    notify_("STATUS=" + status);
  }
}

HeartbeatReader::HeartbeatReader(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0)
    throw Error(ErrorClass::io,
                fmt::format("heartbeat FIFO {} (MTEC_HEARTBEAT): {}", path, std::strerror(errno)));
}

HeartbeatReader::~HeartbeatReader() {
  if (fd_ >= 0) ::close(fd_);
}

void HeartbeatReader::drain(HeartbeatMonitor& monitor, TimePoint now) {
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) break;
    buf_.append(chunk, static_cast<size_t>(n));
  }
  size_t nl;
  while ((nl = buf_.find('\n')) != std::string::npos) {
    monitor.heard(std::string_view(buf_).substr(0, nl), now);
    buf_.erase(0, nl + 1);
  }
  if (buf_.size() > 4096) buf_.clear();  // no line is that long: out of step
}

}  // namespace base
}  // namespace mtec
