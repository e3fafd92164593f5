#include "mtec/modbus/modbus_frame.hpp"

#include <fmt/format.h>

namespace mtec::modbus {

namespace {

constexpr size_t kMbapLength = 7;
constexpr uint16_t kMaxPduLength = 253;

void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x & 0xFF));
}

uint16_t get16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

// Length of a reply PDU to `function` as far as `pdu_start` shows, or 0 if more bytes are needed.
size_t rtu_pdu_length(std::span<const uint8_t> pdu_start, uint8_t function) {
  if (pdu_start.empty()) return 0;
  if (pdu_start[0] & 0x80) return 2;
  if (function == 0x03) return pdu_start.size() >= 2 ? 2 + pdu_start[1] : 0;
  if (function == 0x06 || function == 0x10) return 5;
  return 0;
}

}  // namespace

uint16_t crc16(std::span<const uint8_t> data) {
  uint16_t crc = 0xFFFF;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i)
      crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
  }
  return crc;
}

std::vector<uint8_t> read_holding_pdu(uint16_t start, uint16_t count) {
  std::vector<uint8_t> p{0x03};
  put16(p, start);
  put16(p, count);
  return p;
}

std::vector<uint8_t> write_single_pdu(uint16_t address, uint16_t word) {
  std::vector<uint8_t> p{0x06};
  put16(p, address);
  put16(p, word);
  return p;
}

std::vector<uint8_t> write_multiple_pdu(uint16_t address, std::span<const uint16_t> words) {
  std::vector<uint8_t> p{0x10};
  put16(p, address);
  put16(p, static_cast<uint16_t>(words.size()));
  p.push_back(static_cast<uint8_t>(words.size() * 2));
  for (uint16_t w : words) put16(p, w);
  return p;
}

std::vector<uint8_t> encode(Framer f, uint16_t tid, uint8_t unit, std::span<const uint8_t> pdu) {
  std::vector<uint8_t> out;
  if (f == Framer::tcp) {
    put16(out, tid);
    put16(out, 0);
    put16(out, static_cast<uint16_t>(pdu.size() + 1));
    out.push_back(unit);
    out.insert(out.end(), pdu.begin(), pdu.end());
  } else {
    out.push_back(unit);
    out.insert(out.end(), pdu.begin(), pdu.end());
    const uint16_t crc = crc16(out);
    out.push_back(static_cast<uint8_t>(crc & 0xFF));  // CRC is sent low byte first
    out.push_back(static_cast<uint8_t>(crc >> 8));
  }
  return out;
}

Decoded decode_reply(Framer f, std::span<const uint8_t> buf, uint16_t tid, uint8_t unit,
                     uint8_t function) {
  Decoded d;
  auto bad = [&d](std::string why, size_t consumed) {
    d.status = Decoded::Status::bad;
    d.problem = std::move(why);
    d.consumed = consumed;
    return d;
  };
  std::span<const uint8_t> pdu;
  uint8_t got_unit = 0;
  // The header is checked as soon as it is there, so a stray or garbled
  // reply is refused at once instead of waiting for bytes that never come.
  if (f == Framer::tcp) {
    if (buf.size() < kMbapLength) return d;
    const uint16_t len = get16(buf, 4);
    if (get16(buf, 2) != 0) return bad("protocol id is not 0", buf.size());
    if (get16(buf, 0) != tid)
      return bad(fmt::format("transaction id {} instead of {}", get16(buf, 0), tid), buf.size());
    if (len < 2 || len > kMaxPduLength + 1)
      return bad(fmt::format("bad MBAP length {}", len), buf.size());
    if (buf[6] != unit)
      return bad(fmt::format("unit id {} instead of {}", buf[6], unit), buf.size());
    if (buf.size() < kMbapLength - 1 + len) return d;
    d.consumed = kMbapLength - 1 + len;
    got_unit = buf[6];
    pdu = buf.subspan(kMbapLength, len - 1);
  } else {
    if (buf.size() < 2) return d;
    const size_t plen = rtu_pdu_length(buf.subspan(1), function);
    if (plen == 0) {
      if (buf.size() >= 3 && !(buf[1] & 0x80) && buf[1] != function)
        return bad(fmt::format("function 0x{:02x} instead of 0x{:02x}", buf[1], function),
                   buf.size());
      return d;
    }
    if (buf.size() < 1 + plen + 2) return d;
    d.consumed = 1 + plen + 2;
    if (buf[0] != unit)
      return bad(fmt::format("unit id {} instead of {}", buf[0], unit), d.consumed);
    const uint16_t want = crc16(buf.subspan(0, 1 + plen));
    const uint16_t got = static_cast<uint16_t>(buf[1 + plen] | (buf[2 + plen] << 8));
    if (want != got)
      return bad(fmt::format("CRC 0x{:04x} instead of 0x{:04x}", got, want), d.consumed);
    got_unit = buf[0];
    pdu = buf.subspan(1, plen);
  }
  if (got_unit != unit)
    return bad(fmt::format("unit id {} instead of {}", got_unit, unit), d.consumed);
  if (pdu.empty()) return bad("empty PDU", d.consumed);
  if ((pdu[0] & 0x7F) != function)
    return bad(fmt::format("function 0x{:02x} instead of 0x{:02x}", pdu[0], function), d.consumed);
  if (pdu[0] & 0x80) {
    if (pdu.size() != 2) return bad("malformed exception reply", d.consumed);
  } else if (function == 0x03) {
    if (pdu.size() < 2 || pdu.size() != 2u + pdu[1] || pdu[1] % 2)
      return bad("read reply length does not match its byte count", d.consumed);
  } else if (pdu.size() != 5) {
    return bad("write reply has the wrong length", d.consumed);
  }
  d.status = Decoded::Status::ok;
  d.pdu.assign(pdu.begin(), pdu.end());
  return d;
}

std::optional<std::string> reply_mismatch(std::span<const uint8_t> request,
                                          std::span<const uint8_t> reply) {
  if (request.size() < 5 || reply.empty() || (reply[0] & 0x7F) != request[0])
    return std::string("reply to another function");
  if (reply[0] & 0x80) return std::nullopt;  // an exception: an answer, checked by decode_reply
  const uint16_t address = get16(request, 1), operand = get16(request, 3);
  switch (request[0]) {
    case 0x03:
      if (reply.size() < 2 || reply[1] != operand * 2)
        return fmt::format("{} words instead of {}", reply.size() < 2 ? 0 : reply[1] / 2, operand);
      return std::nullopt;
    case 0x06:
    case 0x10:
      if (reply.size() != 5) return std::string("write reply has the wrong length");
      if (get16(reply, 1) != address)
        return fmt::format("reply for address {} instead of {}", get16(reply, 1), address);
      if (get16(reply, 3) != operand)
        return request[0] == 0x06
                   ? fmt::format("echoed value {} instead of {}", get16(reply, 3), operand)
                   : fmt::format("echoed quantity {} instead of {}", get16(reply, 3), operand);
      return std::nullopt;
    default: return std::string("unknown function");
  }
}

std::string exception_text(int code) {
  switch (code) {
    case 1: return "illegal function";
    case 2: return "illegal data address";
    case 3: return "illegal data value";
    case 4: return "server device failure";
    case 5: return "acknowledge";
    case 6: return "server device busy";
    case 10: return "gateway path unavailable";
    case 11: return "gateway target device failed to respond";
    default: return fmt::format("exception code {}", code);
  }
}

}  // namespace mtec::modbus
