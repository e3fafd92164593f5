#include "mtec/inverter/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "mtec/base/topic.hpp"
#include "mtec/inverter/decode.hpp"

namespace mtec {

namespace {

FrameError error_for(const ReadRequest& q, const modbus::ModbusError& e) {
  FrameError fe;
  fe.start = q.start;
  fe.count = q.count;
  for (const Register* r : q.members) fe.keys.push_back(r->mqtt);
  fe.cls = std::string(class_name(e.cls()));
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

}  // namespace

std::chrono::milliseconds read_budget(Seconds refresh_now, std::chrono::milliseconds timeout) {
  const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(refresh_now);
  return std::max(period, 2 * timeout);
}

ReadOutcome read_registers(modbus::Client& client, const std::vector<const Register*>& regs,
                           int max_gap, const ReadPolicy& policy) {
  ReadOutcome out;
  const auto deadline = policy.now() + policy.budget;
  std::vector<ReadRequest> queue =
      plan_reads(regs, max_gap, kMaxRegistersPerRequest, policy.memory);
  // A refused merged request is cut in two at a gap; when both halves are
  // then read, that gap was the cause: the narrowest span across it is
  // learned as well, so no later request bridges it.
  struct Cut {
    int start, end;  // the last register before the gap to the first after it
    int open = 2;    // halves not read yet
    bool clean = true;
  };
  std::vector<Cut> cuts;
  std::vector<int> cut_of(queue.size(), -1);  // the cut a queued request is a half of
  auto settled = [&](size_t i, bool read) {
    if (cut_of[i] < 0) return;
    Cut& c = cuts[static_cast<size_t>(cut_of[i])];
    c.clean = c.clean && read;
    if (--c.open == 0 && c.clean && policy.memory)
      policy.memory->refused(static_cast<uint16_t>(c.start), static_cast<uint16_t>(c.end - c.start),
                             policy.now());
  };
  std::optional<FrameError> stop;  // why the rest is not tried
  bool served_since_connect = client.connected();
  out.budget = policy.budget;
  // `cut`: the budget ended the tries before 1 + retries
  auto fail = [&out, &policy](const ReadRequest& q, const modbus::ModbusError& e, int tries = 0,
                              bool cut = false) {
    if (!out.worst) out.worst = e.cls();
    out.errors.push_back(error_for(q, e));
    if (cut)
      out.errors.back().message +=
          fmt::format(" (tried {} of {} times: the read's time budget of {} ms is spent)",
                      tries + 1, policy.retries + 1, policy.budget.count());
    else if (tries > 0)
      out.errors.back().message += fmt::format(" (tried {} times)", tries + 1);
    if (!e.exception_code() && out.first_failure_tries == 0) {
      out.first_failure_tries = tries + 1;
      if (cut) out.first_failure_allowed = policy.retries + 1;
    }
  };
  for (size_t i = 0; i < queue.size(); ++i) {
    const ReadRequest q = queue[i];
    if (stop) {
      FrameError fe = *stop;
      fe.start = q.start;
      fe.count = q.count;
      for (const Register* r : q.members) fe.keys.push_back(r->mqtt);
      out.errors.push_back(std::move(fe));
      ++out.untried;
      continue;
    }
    for (int tries = 0;; ++tries) {
      try {
        if (!client.connected()) {
          try {
            client.connect();
          } catch (const modbus::ModbusError& e) {
            fail(q, e, tries);  // the tries before the connection went count
            settled(i, false);
            stop = FrameError{
                0, 0, {}, std::string(class_name(e.cls())), fmt::format("not tried: {}", e.what()),
                0};
            break;
          }
        }
        store(out, q, client.read(q.start, q.count));
        served_since_connect = true;
        settled(i, true);
        break;
      } catch (const modbus::ModbusError& e) {
        if (e.exception_code()) {  // an answer: never retried as such
          settled(i, false);
          if (auto halves = split_refused(q); !halves.empty()) {
            const bool learn = e.exception_code() == 2 || e.exception_code() == 3;
            if (policy.memory && learn) policy.memory->refused(q.start, q.count, policy.now());
            const Register* before = halves[0].members.back();
            const Register* after = halves[1].members.front();
            cuts.push_back({*before->address, *after->address + after->length, 2, learn});
            queue.insert(queue.begin() + static_cast<long>(i) + 1, halves.begin(), halves.end());
            cut_of.insert(cut_of.begin() + static_cast<long>(i) + 1, 2,
                          static_cast<int>(cuts.size() - 1));
          } else {
            fail(q, e);
          }
          break;
        }
        // A device that closes the connection after serving requests (gateways
        // do) is no outage: reconnect and go on without counting a try, as
        // long as every new connection serves at least one request.
        if (!client.connected() && served_since_connect && e.cls() == ErrorClass::unavailable) {
          served_since_connect = false;
          --tries;
        } else if (tries >= policy.retries) {
          fail(q, e, tries);
          settled(i, false);
          break;
        } else if (policy.now() >= deadline) {
          fail(q, e, tries, true);
          settled(i, false);
          stop = FrameError{0,
                            0,
                            {},
                            "timeout",
                            fmt::format("not tried: the read's time budget of {} ms is spent",
                                        policy.budget.count()),
                            0};
          break;
        }
        ++out.retries;
      }
    }
  }
  // lost only as the outcome of a failure: callers report errors.front() with it
  out.connection_lost = !client.connected() && !out.errors.empty();
  return out;
}

std::vector<Frame> frames_by_group(const Catalog& catalog, const std::vector<std::string>& groups,
                                   const std::set<const Register*>& selected,
                                   const ReadOutcome& outcome, const std::string& ts,
                                   const std::string& serial, bool with_raw) {
  std::vector<Frame> frames;
  for (const auto& g : groups) {
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
      // the serial becomes a topic level: one that cannot be is no serial
      if (v && *r->address == kSerialAddress && is_str(*v) &&
          !valid_topic_level(std::get<std::string>(*v))) {
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
        fe.cls = "undecodable";
        fe.message = fmt::format("register {} ({}): {}", *r->address, r->mqtt, why);
        f.errors.push_back(std::move(fe));
      }
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

std::string serial_from(const Catalog& catalog, const ReadOutcome& outcome) {
  const Register* r = catalog.by_address(kSerialAddress);
  if (!r) return {};
  auto it = outcome.words.find(r);
  if (it == outcome.words.end()) return {};
  auto v = decode(*r, it->second);
  if (!v || !is_str(*v) || !valid_topic_level(std::get<std::string>(*v))) return {};
  return std::get<std::string>(*v);
}

std::optional<std::string> refused_serial(const Catalog& catalog, const ReadOutcome& outcome) {
  const Register* r = catalog.by_address(kSerialAddress);
  if (!r) return std::nullopt;
  auto it = outcome.words.find(r);
  if (it == outcome.words.end()) return std::nullopt;
  auto v = decode(*r, it->second);
  if (!v || !is_str(*v) || valid_topic_level(std::get<std::string>(*v))) return std::nullopt;
  return std::get<std::string>(*v);
}

}  // namespace mtec
