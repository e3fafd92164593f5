#include "mtec/inverter/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "mtec/base/topic.hpp"
#include "mtec/inverter/decode.hpp"

namespace mtec {
inline namespace inverter {

namespace {

FrameError error_for(const ReadRequest& q, const modbus::ModbusError& e) {
  FrameError fe;
  fe.start = q.start;
  fe.count = q.count;
  for (const Register* r : q.members) fe.keys.push_back(r->mqtt);
  fe.cls = e.cls();
  fe.message = e.what();
  fe.exception = e.exception_code();
  return fe;
}

void store(ReadOutcome& out, const ReadRequest& q, const std::vector<uint16_t>& words) {
  for (const Register* r : q.members) {
    const auto off = *r->address - q.start;
    out.words[r].assign(words.begin() + off, words.begin() + off + r->length);
  }
}

// A refused merged request is cut in two at a gap; when both halves are
// then read, that gap was the cause: the narrowest span across it is
// learned as well, so no later request bridges it.
struct RefusedCut {
  int start, end;  // the last register before the gap to the first after it
  int open = 2;    // halves not read yet
  bool clean = true;
};

// One read_registers(), step by step: the planned requests in order, each
// tried until it is read, refused or given up; a refused merged request is
// split into halves queued next; once a reconnect fails or the budget is
// spent, the rest is reported as not tried.
class RegisterRead {
 public:
  RegisterRead(modbus::Device& device, const ReadPolicy& policy, std::vector<ReadRequest> queue)
      : device_(device),
        policy_(policy),
        deadline_(policy.now() + policy.budget),
        queue_(std::move(queue)),
        cut_of_(queue_.size(), -1),
        served_since_connect_(device.connected()) {
    out_.budget = policy.budget;
  }

  ReadOutcome run() {
    for (size_t i = 0; i < queue_.size(); ++i) {
      const ReadRequest q = queue_[i];  // a copy: a split inserts into the queue
      if (stop_)
        not_tried(q);
      else
        read_with_retries(i, q);
    }
    // lost only as the outcome of a failure: callers report errors.front() with it
    out_.connection_lost = !device_.connected() && !out_.errors.empty();
    return std::move(out_);
  }

 private:
  void read_with_retries(size_t i, const ReadRequest& q) {
    for (int tries = 0;; ++tries) {
      try {
        if (!device_.connected() && !reconnect(i, q, tries)) return;
        store(out_, q, device_.read(q.start, q.count));
        served_since_connect_ = true;
        settled(i, true);
        return;
      } catch (const modbus::ModbusError& e) {
        if (e.exception_code()) {  // an answer: never retried as such
          refused(i, q, e);
          return;
        }
        if (!try_again(i, q, e, tries)) return;
        ++out_.retries;
      }
    }
  }

  // Connects before a try; false when that failed: the tries before the
  // connection went count, and the rest of the read is not tried.
  bool reconnect(size_t i, const ReadRequest& q, int tries) {
    try {
      device_.connect();
      return true;
    } catch (const modbus::ModbusError& e) {
      fail(q, e, tries);
      settled(i, false);
      stop_ = FrameError{0, 0, {}, e.cls(), fmt::format("not tried: {}", e.what()), 0};
      return false;
    }
  }

  // An exception reply: a merged request is cut in two (both halves queued
  // next, the span learned with 02/03), a single register's is its error.
  void refused(size_t i, const ReadRequest& q, const modbus::ModbusError& e) {
    settled(i, false);
    auto halves = split_refused(q);
    if (halves.empty()) {
      fail(q, e);
      return;
    }
    const bool learn = e.exception_code() == 2 || e.exception_code() == 3;
    if (policy_.memory && learn) policy_.memory->refused(q.start, q.count, policy_.now());
    const Register* before = halves[0].members.back();
    const Register* after = halves[1].members.front();
    cuts_.push_back({*before->address, *after->address + after->length, 2, learn});
    queue_.insert(queue_.begin() + static_cast<long>(i) + 1, halves.begin(), halves.end());
    cut_of_.insert(cut_of_.begin() + static_cast<long>(i) + 1, 2,
                   static_cast<int>(cuts_.size() - 1));
  }

  // A transport failure (timeout, bad reply, lost connection) on try
  // `tries`: whether to try again. A device that closes the connection
  // after serving requests (gateways do) is no outage: reconnect and go on
  // without counting a try, as long as every new connection serves at least
  // one request.
  bool try_again(size_t i, const ReadRequest& q, const modbus::ModbusError& e, int& tries) {
    if (!device_.connected() && served_since_connect_ && e.cls() == ErrorClass::unavailable) {
      served_since_connect_ = false;
      --tries;
      return true;
    }
    if (tries >= policy_.retries) {
      fail(q, e, tries);
      settled(i, false);
      return false;
    }
    if (policy_.now() >= deadline_) {
      fail(q, e, tries, true);
      settled(i, false);
      stop_ = FrameError{0,
                         0,
                         {},
                         ErrorClass::temp_fail,
                         fmt::format("not tried: the read's time budget of {} ms is spent",
                                     policy_.budget.count()),
                         0};
      return false;
    }
    return true;
  }

  // A request after the read stopped: reported with the reason, not tried.
  void not_tried(const ReadRequest& q) {
    FrameError fe = *stop_;
    fe.start = q.start;
    fe.count = q.count;
    for (const Register* r : q.members) fe.keys.push_back(r->mqtt);
    out_.errors.push_back(std::move(fe));
    ++out_.untried;
  }

  // Request `i` is done (`read` or not): when it is the second half of a
  // cut whose halves were both read, the gap is learned.
  void settled(size_t i, bool read) {
    if (cut_of_[i] < 0) return;
    RefusedCut& c = cuts_[static_cast<size_t>(cut_of_[i])];
    c.clean = c.clean && read;
    if (--c.open == 0 && c.clean && policy_.memory)
      policy_.memory->refused(static_cast<uint16_t>(c.start),
                              static_cast<uint16_t>(c.end - c.start), policy_.now());
  }

  // The error of `q` after `tries` retries; `cut`: the budget ended the
  // tries before 1 + retries.
  void fail(const ReadRequest& q, const modbus::ModbusError& e, int tries = 0, bool cut = false) {
    if (!out_.worst) out_.worst = e.cls();
    out_.errors.push_back(error_for(q, e));
    if (cut)
      out_.errors.back().message +=
          fmt::format(" (tried {} of {} times: the read's time budget of {} ms is spent)",
                      tries + 1, policy_.retries + 1, policy_.budget.count());
    else if (tries > 0)
      out_.errors.back().message += fmt::format(" (tried {} times)", tries + 1);
    if (!e.exception_code() && out_.first_failure_tries == 0) {
      out_.first_failure_tries = tries + 1;
      if (cut) out_.first_failure_allowed = policy_.retries + 1;
    }
  }

  modbus::Device& device_;
  const ReadPolicy& policy_;
  const ReadPolicy::Clock::time_point deadline_;
  std::vector<ReadRequest> queue_;
  std::vector<RefusedCut> cuts_;
  std::vector<int> cut_of_;         // the cut a queued request is a half of
  std::optional<FrameError> stop_;  // why the rest is not tried
  bool served_since_connect_;
  ReadOutcome out_;
};

// The serial becomes a topic level: decoded text that cannot be one is no serial.
bool refused_as_serial(const Value& v) {
  return is_str(v) && !valid_topic_level(std::get<std::string>(v));
}

// The serial register decoded, when it was read.
std::optional<Value> decoded_serial(const Catalog& catalog, const ReadOutcome& outcome) {
  const Register* r = catalog.by_address(kSerialAddress);
  if (!r) return std::nullopt;
  auto it = outcome.words.find(r);
  if (it == outcome.words.end()) return std::nullopt;
  return decode(*r, it->second);
}

}  // namespace

std::chrono::milliseconds read_budget(Seconds refresh_now, std::chrono::milliseconds timeout) {
  const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(refresh_now);
  return std::max(period, 2 * timeout);
}

ReadOutcome read_registers(modbus::Device& device, const std::vector<const Register*>& regs,
                           int max_gap, const ReadPolicy& policy) {
  return RegisterRead(device, policy,
                      plan_reads(regs, max_gap, kMaxRegistersPerRequest, policy.memory))
      .run();
}

std::vector<Frame> frames_by_group(const Catalog& catalog, const std::vector<Group>& groups,
                                   const std::set<const Register*>& selected,
                                   const ReadOutcome& outcome, const std::string& ts,
                                   const std::string& serial, bool with_raw) {
  std::vector<Frame> frames;
  for (const Group g : groups) {
    Frame f;
    f.ts = ts;
    f.serial = serial;
    f.group = g;
    std::set<std::string> failed_keys;
    for (const auto& e : outcome.errors)
      for (const auto& k : e.keys) {
        const Register* r = catalog.by_mqtt(k);
        if (r && r->group == g && selected.count(r)) failed_keys.insert(k);
      }
    for (const auto& e : outcome.errors) {
      FrameError mine = e;
      std::erase_if(mine.keys, [&](const std::string& k) { return !failed_keys.count(k); });
      if (!mine.keys.empty()) f.errors.push_back(std::move(mine));
    }
    for (const Register* r : catalog.group(g)) {
      if (!r->address || !selected.count(r)) continue;
      auto it = outcome.words.find(r);
      if (it == outcome.words.end()) continue;
      if (with_raw) f.raw[*r->address] = it->second;
      auto v = decode(*r, it->second);
      std::string why = fmt::format("the words do not decode as {}", type_name(r->type));
      if (v && *r->address == kSerialAddress && refused_as_serial(*v)) {
        v.reset();
        why =
            "the serial number is not a valid topic level (empty, '/', '+', '#', control "
            "characters or not UTF-8)";
      }
      if (v) {
        f.values.emplace_back(r->mqtt, std::move(*v));
      } else {
        FrameError fe;
        fe.start = *r->address;
        fe.count = static_cast<uint16_t>(r->length);
        fe.keys = {r->mqtt};
        fe.cls = FrameOnlyClass::undecodable;
        fe.message = fmt::format("register {} ({}): {}", *r->address, r->mqtt, why);
        f.errors.push_back(std::move(fe));
      }
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

std::string serial_from(const Catalog& catalog, const ReadOutcome& outcome) {
  const auto v = decoded_serial(catalog, outcome);
  if (!v || !is_str(*v) || refused_as_serial(*v)) return {};
  return std::get<std::string>(*v);
}

std::optional<std::string> refused_serial(const Catalog& catalog, const ReadOutcome& outcome) {
  const auto v = decoded_serial(catalog, outcome);
  if (!v || !refused_as_serial(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

}  // namespace inverter
}  // namespace mtec
