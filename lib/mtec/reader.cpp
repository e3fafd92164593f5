#include "mtec/reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mtec/decode.hpp"

namespace mtec {

namespace {

constexpr uint16_t kSerialAddress = 10000;

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

ReadOutcome read_registers(modbus::Client& client, const std::vector<const Register*>& regs,
                           int max_gap) {
  ReadOutcome out;
  std::vector<ReadRequest> queue = plan_reads(regs, max_gap);
  bool served_since_connect = false;
  for (size_t i = 0; i < queue.size(); ++i) {
    const ReadRequest& q = queue[i];
    if (out.connection_lost) {
      FrameError fe;
      fe.start = q.start;
      fe.count = q.count;
      for (const Register* r : q.members) fe.keys.push_back(r->mqtt);
      fe.cls = "unavailable";
      fe.message = "not tried: the connection was lost earlier in this read";
      out.errors.push_back(std::move(fe));
      continue;
    }
    try {
      store(out, q, client.read(q.start, q.count));
      served_since_connect = true;
    } catch (const modbus::ModbusError& e) {
      // A device that closes the connection after serving requests (gateways
      // do) is no outage: reconnect and go on, as long as every new
      // connection serves at least one request.
      if (!client.connected() && served_since_connect && e.cls() == ErrorClass::unavailable) {
        served_since_connect = false;
        try {
          client.connect();
          --i;
          continue;
        } catch (const modbus::ModbusError&) {
          // fall through: report the original failure
        }
      }
      if (e.exception_code() && q.members.size() > 1) {
        auto parts = split_contiguous(q);
        if (parts.size() > 1) {
          queue.insert(queue.begin() + static_cast<long>(i) + 1, parts.begin(), parts.end());
          continue;
        }
      }
      if (!out.worst) out.worst = e.cls();
      out.connection_lost = !client.connected();
      out.errors.push_back(error_for(q, e));
    }
  }
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
      if (auto v = decode(*r, it->second)) {
        f.values.emplace_back(r->mqtt, std::move(*v));
      } else {
        FrameError fe;
        fe.start = *r->address;
        fe.count = static_cast<uint16_t>(r->length);
        fe.keys = {r->mqtt};
        fe.cls = "undecodable";
        fe.message = fmt::format("register {} ({}): the words do not decode as {}", *r->address,
                                 r->mqtt, type_name(r->type));
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
  if (!v || !is_str(*v)) return {};
  return std::get<std::string>(*v);
}

}  // namespace mtec
