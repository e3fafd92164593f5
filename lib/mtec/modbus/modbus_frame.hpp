// Modbus framing without I/O: request PDUs, Modbus TCP (MBAP) and RTU
// (address + PDU + CRC-16/Modbus) frames, and reply parsing with every check
// a client must make (transaction id, unit id, function, length, CRC).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mtec::modbus {

// --- Interface ---

enum class Framer { tcp, rtu };

// CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF) of `data`.
uint16_t crc16(std::span<const uint8_t> data);

// PDUs (function code + data).
std::vector<uint8_t> read_holding_pdu(uint16_t start, uint16_t count);
std::vector<uint8_t> write_single_pdu(uint16_t address, uint16_t word);
std::vector<uint8_t> write_multiple_pdu(uint16_t address, std::span<const uint16_t> words);

// ADU around `pdu`: TCP adds the MBAP header with `tid`; RTU adds unit + CRC.
std::vector<uint8_t> encode(Framer f, uint16_t tid, uint8_t unit, std::span<const uint8_t> pdu);

// Result of looking at received bytes.
struct Decoded {
  enum class Status { need_more, ok, bad } status = Status::need_more;
  size_t consumed = 0;       // bytes of the buffer that form this frame
  std::vector<uint8_t> pdu;  // for ok
  std::string problem;       // for bad: what was wrong (for the typed error)
};

// Try to take one reply frame for a request with `function`, `tid` and
// `unit` from the front of `buf`. RTU needs the function to know the length.
Decoded decode_reply(Framer f, std::span<const uint8_t> buf, uint16_t tid, uint8_t unit,
                     uint8_t function);

// Whether `reply` (a PDU decode_reply accepted) answers `request` (a PDU):
// a read returns exactly the words asked for; a write echoes its address and
// its value (0x06) or quantity (0x10). nullopt when it does, else the problem.
std::optional<std::string> reply_mismatch(std::span<const uint8_t> request,
                                          std::span<const uint8_t> reply);

// Text of a Modbus exception code ("illegal data address", ...).
std::string exception_text(int code);

}  // namespace mtec::modbus
