#include "mtec/mqtt/command_relay.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/mqtt/state_messages.hpp"
#include "mtec/mqtt/topics.hpp"

namespace mtec::mqtt {

CommandRelay::CommandRelay(const Catalog& catalog, std::string path, std::string root,
                           const Logger& log, RepeatedWarnings& repeats, WallClock wall)
    : catalog_(catalog),
      path_(std::move(path)),
      root_(std::move(root)),
      log_(log),
      repeats_(repeats),
      wall_(std::move(wall)) {}

CommandRelay::~CommandRelay() {
  if (fd_ >= 0) ::close(fd_);
}

void CommandRelay::count(const char* result) {
  if (metrics_) metrics_->add(metric::kCommands, 1, fmt::format("result=\"{}\"", result));
}

void CommandRelay::relay(const std::string& topic, const std::string& payload,
                         const std::string& serial) {
  const auto levels = parse_set_topic(topic, root_);
  const std::string key = levels ? levels->key : "";
  try {
    const auto line = command_line(catalog_, topic, payload, root_, serial, wall_());
    if (!line) {  // not a topic discovery announces: warned once per topic (a bounded few)
      count("ignored");
      if (ignored_topics_.size() < 64 && ignored_topics_.insert(topic).second)
        log_.warn(
            fmt::format("ignored a command on {}: not the command topic of a key of {} "
                        "(<MQTT_TOPIC>/<serial>/<group>/<key>/set)",
                        untrusted(topic), untrusted(serial)));
      return;
    }
    if (path_.empty()) {
      log_.warn(
          fmt::format("command {} = '{}' accepted but there is no --commands-out to send it to",
                      untrusted(key), untrusted(payload)));
      return;
    }
    if (!write(*line + "\n", key, payload)) return;  // at most PIPE_BUF: one atomic write
    log_.info(fmt::format("command {} = '{}' -> {}", untrusted(key), untrusted(payload), path_));
    count("accepted");
  } catch (const Error& e) {
    // the same bad command again and again: once, then a count a minute
    const std::string line = fmt::format("command on {} rejected: {}", untrusted(topic), e.what());
    repeats_.warn("rejected", line, line);
    count("rejected");
  }
}

bool CommandRelay::write(const std::string& text, const std::string& key,
                         const std::string& payload) {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      count("dropped");
      log_.error(fmt::format("command {} = '{}' dropped: cannot open {}: {}", untrusted(key),
                             untrusted(payload), path_, std::strerror(errno)));
      return false;
    }
  }
  if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    const int e = errno;
    count("dropped");
    if (e == EAGAIN) {  // mtec-write is behind: the new command is dropped, whole
      if (dropped_full_++ == 0)
        log_.warn(
            fmt::format("command {} = '{}' dropped: {} is full (mtec-write is behind); "
                        "newer commands are dropped until it has room",
                        untrusted(key), untrusted(payload), path_));
      return false;
    }
    log_.error(fmt::format("command {} = '{}' dropped: {}: {}", untrusted(key), untrusted(payload),
                           path_, std::strerror(e)));
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  if (dropped_full_ > 0) {
    log_.notice(fmt::format("{} has room again: {} command{} dropped while it was full", path_,
                            dropped_full_, dropped_full_ == 1 ? "" : "s"));
    dropped_full_ = 0;
  }
  return true;
}

}  // namespace mtec::mqtt
