#include "mtec/sim/request_handler.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace mtec::sim {

namespace request_detail {

void log_line(FILE* f, const nlohmann::json& j) {
  if (!f) return;
  const std::string s = j.dump() + "\n";
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace request_detail

RequestHandler::RequestHandler(DeviceOptions o, const Snapshot& snap, const Faults& faults)
    : o_(std::move(o)), faults_(faults), map_(snap) {
  if (!o_.now_ms) o_.now_ms = request_detail::system_ms;
}

std::optional<std::vector<uint8_t>> RequestHandler::answer(std::span<const uint8_t> pdu, int unit) {
  const int fc = pdu.empty() ? 0 : pdu[0];
  const int addr = pdu.size() >= 3 ? (pdu[1] << 8) | pdu[2] : 0;
  const int count = fc == 0x06 ? 1 : pdu.size() >= 5 ? (pdu[3] << 8) | pdu[4] : 0;
  nlohmann::json line = {{"unit", unit}, {"function", fc}, {"address", addr}, {"count", count}};
  std::optional<std::vector<uint8_t>> reply;
  if (unit == o_.unit) {
    reply = handle(pdu, unit);
    if ((*reply)[0] & 0x80) line["exception"] = (*reply)[1];
  }
  request_detail::log_line(o_.request_log, line);
  return reply;
}

std::vector<uint8_t> RequestHandler::handle(std::span<const uint8_t> pdu, int unit) {
  if (pdu.size() < 5) return {static_cast<uint8_t>((pdu.empty() ? 0 : pdu[0]) | 0x80), 3};
  const int fc = pdu[0];
  const int addr = (pdu[1] << 8) | pdu[2];
  const int count = fc == 0x06 ? 1 : (pdu[3] << 8) | pdu[4];
  auto exception = [fc](int code) {
    return std::vector<uint8_t>{static_cast<uint8_t>(fc | 0x80), static_cast<uint8_t>(code)};
  };
  if (fc != 0x03 && fc != 0x06 && fc != 0x10) return exception(1);
  if (fc == 0x10 &&
      (count < 1 || count > 123 || pdu.size() != 6u + 2 * count || pdu[5] != 2 * count))
    return exception(3);
  if (auto code = faults_.exception_for(addr, count)) return exception(*code);
  if (count < 1 || count > 125 || !map_.holds(addr, count)) return exception(2);
  if (o_.strict_map)
    for (int a = addr; a < addr + count; ++a)
      if (!o_.mapped.count(static_cast<uint16_t>(a))) return exception(2);
  if (fc == 0x03 && o_.animate) map_.overlay(o_.animate());
  if (fc == 0x03) {
    std::vector<uint8_t> r = {0x03, static_cast<uint8_t>(count * 2)};
    for (const uint16_t w : map_.words(addr, count)) {
      r.push_back(static_cast<uint8_t>(w >> 8));
      r.push_back(static_cast<uint8_t>(w & 0xFF));
    }
    return r;
  }
  std::vector<uint16_t> words;
  if (fc == 0x06)
    words = {static_cast<uint16_t>((pdu[3] << 8) | pdu[4])};
  else
    for (int i = 0; i < count; ++i)
      words.push_back(static_cast<uint16_t>((pdu[6 + 2 * i] << 8) | pdu[7 + 2 * i]));
  if (!o_.ignore_writes) map_.write(addr, words);
  log_write(unit, fc, addr, words);
  if (fc == 0x06) return std::vector<uint8_t>(pdu.begin(), pdu.begin() + 5);
  return {0x10, pdu[1], pdu[2], pdu[3], pdu[4]};
}

void RequestHandler::log_write(int unit, int fc, int addr, const std::vector<uint16_t>& words) {
  request_detail::log_line(o_.write_log ? o_.write_log : stderr, {{"ts_ms", o_.now_ms()},
                                                                  {"unit", unit},
                                                                  {"function", fc},
                                                                  {"address", addr},
                                                                  {"words", words},
                                                                  {"applied", !o_.ignore_writes}});
}

}  // namespace mtec::sim
