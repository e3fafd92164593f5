// Bytes from the device: Modbus TCP and RTU reply framing, then the check
// that a reply answers its request. The first bytes choose the request.
#include <cstdint>
#include <span>
#include <vector>

#include "mtec/modbus/modbus_frame.hpp"

using namespace mtec::modbus;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const Framer framer = data[0] & 1 ? Framer::rtu : Framer::tcp;
  const uint8_t functions[] = {0x03, 0x06, 0x10};
  const uint8_t function = functions[(data[0] >> 1) % 3];
  const uint16_t tid = static_cast<uint16_t>(data[1] << 8 | data[2]);
  const uint8_t unit = data[3];
  const std::span<const uint8_t> bytes(data + 4, size - 4);
  const uint16_t words[] = {1, 2, 3};
  const std::vector<uint8_t> request = function == 0x03   ? read_holding_pdu(10000, 8)
                                       : function == 0x06 ? write_single_pdu(50000, 258)
                                                          : write_multiple_pdu(52601, words);
  // as the client reads: more bytes arrive until a verdict
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const Decoded d = decode_reply(framer, bytes.first(n), tid, unit, function);
    if (d.status == Decoded::Status::need_more) continue;
    if (d.consumed > n) __builtin_trap();  // never claims bytes it was not given
    if (d.status == Decoded::Status::ok) (void)reply_mismatch(request, d.pdu);
    break;
  }
  return 0;
}
