// The hint lines after a failed connect or a device that does not answer.
#include <gtest/gtest.h>

#include "mtec/modbus/hints.hpp"

namespace mtec::modbus {
namespace {

Endpoint ep(int port = 1502, uint8_t unit = 7) {
  return {"127.0.0.1", port, std::nullopt, unit, std::chrono::milliseconds(5000), Framer::tcp};
}

TEST(Hints, ARefusedPort502HintsAt5743AndProbe) {
  const auto refused = ModbusError::refused("127.0.0.1:502: Connection refused");
  const auto h = connect_hint(ep(502), refused);
  EXPECT_NE(h.find("5743"), std::string::npos);
  EXPECT_NE(h.find("--probe 127.0.0.1"), std::string::npos);
  EXPECT_EQ(connect_hint(ep(1502), refused),
            "check MODBUS_IP and MODBUS_PORT, or run mtec-read --probe 127.0.0.1");
  EXPECT_EQ(connect_hint(ep(502), ModbusError(ErrorClass::temp_fail, "timed out")), "");
}

TEST(Hints, NoAnswerNamesUnitFramingAndProbe) {
  EXPECT_EQ(no_answer_hint(ep()),
            "a device that does not answer usually has another unit id or framing: check "
            "MODBUS_SLAVE (7) and MODBUS_FRAMER (tcp), or run mtec-read --probe 127.0.0.1");
  EXPECT_STREQ(framer_name(Framer::rtu), "rtu");
}

}  // namespace
}  // namespace mtec::modbus
