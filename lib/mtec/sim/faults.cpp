#include "mtec/sim/faults.hpp"

#include <algorithm>

namespace mtec::sim {

namespace faults_detail {

constexpr size_t kTcpUnitAt = 6;  // the MBAP header's last byte; the function follows

void fix_crc(std::vector<uint8_t>& adu) {
  adu.resize(adu.size() - 2);
  const uint16_t c = modbus::crc16(adu);
  adu.push_back(static_cast<uint8_t>(c & 0xFF));
  adu.push_back(static_cast<uint8_t>(c >> 8));
}

}  // namespace faults_detail

void corrupt_reply(std::vector<uint8_t>& adu, Corruption kind, modbus::Framer framer,
                   const std::function<uint8_t()>& random_byte) {
  const bool rtu = framer == modbus::Framer::rtu;
  if (rtu && kind == Corruption::tid) kind = Corruption::crc;  // RTU has no transaction id
  const size_t at = rtu ? 0 : faults_detail::kTcpUnitAt;
  switch (kind) {
    case Corruption::tid: adu[1] = static_cast<uint8_t>(adu[1] + 1); break;
    case Corruption::unit: adu[at] ^= 0x5A; break;
    case Corruption::function: adu[at + 1] ^= 0x04; break;
    case Corruption::truncated: {
      const size_t pdu_end = rtu ? adu.size() - 2 : adu.size();
      const size_t drop = std::min<size_t>(2, pdu_end - (at + 2));
      adu.erase(adu.begin() + static_cast<long>(pdu_end - drop),
                adu.begin() + static_cast<long>(pdu_end));
      if (!rtu) adu[5] = static_cast<uint8_t>(adu[5] - drop);
      break;
    }
    case Corruption::garbage:
      for (auto& b : adu) b = random_byte();
      return;
    case Corruption::crc: adu.back() ^= 0xFF; return;
  }
  if (rtu) faults_detail::fix_crc(adu);
}

std::optional<int> Faults::exception_for(int start, int count) const {
  auto it = o_.exceptions.lower_bound(static_cast<uint16_t>(start));
  if (it != o_.exceptions.end() && it->first < start + count) return it->second;
  return std::nullopt;
}

bool Faults::ends_connection(int requests) const {
  return o_.drop_after != 0 && requests >= o_.drop_after;
}

bool Faults::maybe_corrupt(std::vector<uint8_t>& adu) {
  if (o_.corrupt <= 0 || std::uniform_real_distribution<double>(0, 1)(rng_) >= o_.corrupt)
    return false;
  const int kinds = framer_ == modbus::Framer::rtu ? 6 : 5;
  const auto kind = static_cast<Corruption>(std::uniform_int_distribution<int>(0, kinds - 1)(rng_));
  corrupt_reply(adu, kind, framer_, [this] { return static_cast<uint8_t>(rng_()); });
  return true;
}

}  // namespace mtec::sim
