#include "mtec/inverter/command_writer.hpp"

#include <fmt/format.h>

#include "mtec/base/errors.hpp"
#include "mtec/base/log_escape.hpp"
#include "mtec/base/metric_names.hpp"
#include "mtec/inverter/frame.hpp"

namespace mtec {
inline namespace inverter {

std::string hex_words(const std::vector<uint16_t>& w) {
  std::string s;
  for (uint16_t x : w) s += fmt::format("{}0x{:04x}", s.empty() ? "" : " ", x);
  return s;
}

namespace {

std::string who(const EncodedWrite& w) {
  return fmt::format("{} ({}) = {}", w.reg->mqtt, *w.reg->address, untrusted(w.requested));
}

// A write that failed without reaching the device (no connection, the
// inverter not reachable now), as opposed to an answer that refused it (an
// exception reply, the control socket's catalog check).
bool nothing_written(const Error& e) {
  if (const auto* me = dynamic_cast<const modbus::ModbusError*>(&e))
    if (me->exception_code()) return false;
  return e.cls() == ErrorClass::unavailable || e.cls() == ErrorClass::temp_fail ||
         e.cls() == ErrorClass::io;
}

}  // namespace

WriteAttempt attempt_write(control::RegisterIO& io, const EncodedWrite& w, bool raw) {
  using R = WriteAttempt::Result;
  const uint16_t address = *w.reg->address;
  WriteAttempt a;
  try {
    a.read_back = io.read(address, static_cast<uint16_t>(w.words.size()));
  } catch (const Error& e) {
    a.result = R::not_sent;
    a.error = e;
    return a;
  }
  if (a.read_back == w.words) {
    a.result = R::unchanged;
    return a;
  }
  try {
    a.read_back = io.write_and_read_back(address, w.words, raw);
  } catch (const control::OutcomeUnknown& e) {
    a.result = R::unknown;
    a.error = e;
    a.read_back.clear();
    return a;
  } catch (const Error& e) {
    a.result = nothing_written(e) ? R::not_sent : R::failed;
    a.error = e;
    a.read_back.clear();
    return a;
  }
  if (a.read_back == w.words) {
    a.result = R::applied;
    return a;
  }
  a.result = R::failed;
  a.error = Error(ErrorClass::protocol,
                  fmt::format("{} ({}): wrote {} ({}) but read back {} ({})", w.reg->mqtt, address,
                              hex_words(w.words), describe_words(*w.reg, w.words),
                              hex_words(a.read_back), describe_words(*w.reg, a.read_back)));
  return a;
}

nlohmann::json result_line(const EncodedWrite& w, std::string_view outcome,
                           const std::vector<uint16_t>* read_back, const Error* error) {
  nlohmann::json j;
  j["key"] = w.reg->mqtt;
  j["address"] = *w.reg->address;
  j["requested"] = w.requested;
  j["words"] = w.words;
  if (read_back && !read_back->empty()) j["read_back"] = *read_back;
  if (outcome == "dry run")
    j["dry_run"] = true;
  else
    j["outcome"] = std::string(outcome);
  j["ok"] = outcome == "applied" || outcome == "unchanged" || outcome == "dry run";
  if (error) j["error"] = error->what();
  return j;
}

CommandWriter::CommandWriter(control::RegisterIO& io, WriteRules rules, const Logger& log,
                             Metrics& metrics, Report report, RandomSource random)
    : io_(io),
      rules_(rules),
      log_(log),
      metrics_(metrics),
      report_(std::move(report)),
      queue_(rules.min_interval),
      backoff_(Backoff::Policy{Duration(1000), 2.0, Duration(30000), 0.25}, std::move(random)) {
  metrics_.counter(metric::kWrites, "Register writes by result");
  for (const char* r : {"ok", "failed", "refused", "unknown"})
    metrics_.add(metric::kWrites, 0, fmt::format("result=\"{}\"", r));
  metrics_.counter(metric::kWritesSkipped, "Commands not written, by reason");
  for (const char* r : {"unchanged", "expired", "superseded", "abandoned"})
    metrics_.add(metric::kWritesSkipped, 0, fmt::format("reason=\"{}\"", r));
}

void CommandWriter::count(const char* result) {
  metrics_.add(metric::kWrites, 1, fmt::format("result=\"{}\"", result));
}

void CommandWriter::skipped(const char* reason) {
  metrics_.add(metric::kWritesSkipped, 1, fmt::format("reason=\"{}\"", reason));
}

bool CommandWriter::expired(const QueuedCommand& c, Clocks now) const {
  return c.ts && now.wall - *c.ts > rules_.max_age;
}

void CommandWriter::expire(const QueuedCommand& c) {
  log_.warn(fmt::format("{}: expired, not applied (sent {}, older than WRITE_MAX_AGE {} s)",
                        who(c.write), iso_timestamp(*c.ts),
                        std::chrono::duration<double>(rules_.max_age).count()));
  skipped("expired");
  report_(result_line(c.write, "expired", nullptr, nullptr));
}

void CommandWriter::offer(QueuedCommand c, Clocks now) {
  if (expired(c, now)) return expire(c);
  if (auto old = queue_.put(std::move(c))) {
    log_.info(
        fmt::format("{}: superseded by a newer command before it was written", who(old->write)));
    skipped("superseded");
  }
}

std::optional<TimePoint> CommandWriter::next_work() const {
  std::optional<TimePoint> at = queue_.next_due();
  for (const auto& [address, u] : unknown_)
    if (!at || u.next_try < *at) at = u.next_try;
  if (at && retry_at_ && *at < *retry_at_) at = retry_at_;
  return at;
}

void CommandWriter::unreachable(Clocks now) { retry_at_ = now.steady + backoff_.next(); }

void CommandWriter::answered() {
  retry_at_.reset();
  backoff_.reset();
}

bool CommandWriter::waiting(TimePoint now) const { return retry_at_ && now < *retry_at_; }

void CommandWriter::run(Clocks now) {
  for (const auto& c : queue_.take_if([&](const QueuedCommand& q) { return expired(q, now); }))
    expire(c);
  if (waiting(now.steady)) return;
  for (auto it = unknown_.begin(); it != unknown_.end();) {
    if (it->second.next_try > now.steady) {
      ++it;
    } else if (verify(it->first, it->second, now)) {
      it = unknown_.erase(it);  // settled: told once
    } else {
      return;  // still no answer
    }
  }
  while (auto c = queue_.take_due(now.steady)) {
    apply(std::move(*c), now);
    if (waiting(now.steady)) return;
  }
}

bool CommandWriter::verify(uint16_t address, Unknown& u, Clocks now) {
  std::vector<uint16_t> words;
  try {
    words = io_.read(address, static_cast<uint16_t>(u.write.words.size()));
  } catch (const Error& e) {
    log_.debug(fmt::format("{}: not read back yet: {}", who(u.write), e.what()));
    unreachable(now);
    u.next_try = *retry_at_;
    return false;
  }
  answered();
  const bool applied = words == u.write.words;
  log_.notice(fmt::format("{}: the outcome was unknown; read back {} ({}): {}", who(u.write),
                          hex_words(words), describe_words(*u.write.reg, words),
                          applied ? "applied" : "not applied"));
  count(applied ? "ok" : "failed");
  report_(result_line(u.write, applied ? "applied" : "not applied", &words, nullptr));
  queue_.release(address);
  return true;
}

void CommandWriter::apply(QueuedCommand c, Clocks now) {
  using R = WriteAttempt::Result;
  if (expired(c, now)) return expire(c);
  const uint16_t address = c.address();
  queue_.started(address, now.steady);
  WriteAttempt a = attempt_write(io_, c.write);
  switch (a.result) {
    case R::applied:
      answered();
      log_.notice(fmt::format("wrote {}: words {}, read back {} via {}", who(c.write),
                              hex_words(c.write.words), hex_words(a.read_back), io_.describe()));
      count("ok");
      report_(result_line(c.write, "applied", &a.read_back, nullptr));
      return;
    case R::unchanged:
      answered();
      log_.info(fmt::format("{}: unchanged (the register holds {} already), not written",
                            who(c.write), hex_words(a.read_back)));
      skipped("unchanged");
      report_(result_line(c.write, "unchanged", &a.read_back, nullptr));
      return;
    case R::not_sent: {
      log_.warn(fmt::format("{}: not written yet: {}; trying again until it expires", who(c.write),
                            a.error->what()));
      unreachable(now);
      queue_.put(std::move(c));  // pending again (nothing newer can have come meanwhile)
      return;
    }
    case R::unknown:
      log_.warn(fmt::format(
          "{}: outcome unknown: {}; not retried, read back when the inverter answers again",
          who(c.write), a.error->what()));
      count("unknown");
      report_(result_line(c.write, "unknown", nullptr, &*a.error));
      queue_.hold(address);
      unknown_.insert_or_assign(address, Unknown{std::move(c.write), now.steady});
      unreachable(now);
      return;
    case R::failed:
      answered();
      log_.warn(fmt::format("{}: not applied: {}", who(c.write), a.error->what()));
      count("failed");
      report_(result_line(c.write, "failed", &a.read_back, &*a.error));
      return;
  }
}

void CommandWriter::abandon(std::string_view why) {
  for (const auto& c : queue_.take_if([](const QueuedCommand&) { return true; })) {
    log_.warn(fmt::format("{}: not applied: {}", who(c.write), why));
    skipped("abandoned");
    report_(result_line(c.write, "not applied", nullptr, nullptr));
  }
  for (const auto& [address, u] : unknown_)
    log_.warn(fmt::format("{}: outcome still unknown ({}): check it with mtec-read {}",
                          who(u.write), why, u.write.reg->mqtt));
  unknown_.clear();
}

}  // namespace inverter
}  // namespace mtec
