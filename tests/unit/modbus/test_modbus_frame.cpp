// Modbus framing: published CRC vectors, request encoding as pymodbus did in
// the fixtures, and rejection of replies with a wrong transaction id, unit
// id, function or CRC (captured frames).
#include <gtest/gtest.h>

#include <string>

#include "golden.hpp"
#include "mtec/modbus/modbus_frame.hpp"

namespace mtec::modbus {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> b) {
  std::vector<uint8_t> v;
  for (int x : b) v.push_back(static_cast<uint8_t>(x));
  return v;
}

std::string hex(const std::vector<uint8_t>& v) {
  std::string s;
  char buf[3];
  for (uint8_t b : v) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

TEST(Crc16, PublishedVectors) {
  const std::string check = "123456789";
  EXPECT_EQ(crc16({reinterpret_cast<const uint8_t*>(check.data()), check.size()}), 0x4B37);
  // Modbus over serial line spec example: 01 03 00 00 00 0A -> C5 CD on the wire
  const auto frame = encode(Framer::rtu, 0, 1, read_holding_pdu(0, 10));
  EXPECT_EQ(hex(frame), "01030000000ac5cd");
}

TEST(Encode, PdusMatchTheFixturesRequests) {
  for (const auto& read : test::golden("case_A.json")["reads"]) {
    for (const auto& q : read["modbus_requests"]) {
      if (q["kind"] != "read") continue;
      EXPECT_EQ(hex(read_holding_pdu(q["address"], q["count"])),
                q["request_pdu_hex"].get<std::string>());
    }
  }
  for (const auto& c : test::golden("probes.json")["commands"]) {
    for (const auto& w : c["modbus_writes"]) {
      if (!w.contains("value")) continue;
      EXPECT_EQ(hex(write_single_pdu(w["address"], w["value"])),
                w["request_pdu_hex"].get<std::string>());
    }
  }
}

TEST(Encode, TcpHeader) {
  EXPECT_EQ(hex(encode(Framer::tcp, 0x1234, 247, read_holding_pdu(10000, 9))),
            "123400000006f70327100009");
}

TEST(DecodeReply, TcpAcceptsTheMatchingReply) {
  const auto reply = bytes({0x00, 0x07, 0, 0, 0, 5, 247, 0x03, 2, 0x21, 0x66});
  const auto d = decode_reply(Framer::tcp, reply, 7, 247, 0x03);
  ASSERT_EQ(d.status, Decoded::Status::ok) << d.problem;
  EXPECT_EQ(hex(d.pdu), "03022166");
  EXPECT_EQ(d.consumed, reply.size());
  // incomplete: need more
  EXPECT_EQ(decode_reply(Framer::tcp, std::span(reply).first(9), 7, 247, 0x03).status,
            Decoded::Status::need_more);
}

TEST(DecodeReply, TcpRejectsWrongTransactionUnitFunctionLength) {
  const auto wrong_tid = bytes({0x00, 0x06, 0, 0, 0, 5, 247, 0x03, 2, 0x21, 0x66});
  auto d = decode_reply(Framer::tcp, wrong_tid, 7, 247, 0x03);
  EXPECT_EQ(d.status, Decoded::Status::bad);
  EXPECT_EQ(d.problem, "transaction id 6 instead of 7");
  const auto wrong_unit = bytes({0x00, 0x07, 0, 0, 0, 5, 1, 0x03, 2, 0x21, 0x66});
  d = decode_reply(Framer::tcp, wrong_unit, 7, 247, 0x03);
  EXPECT_EQ(d.problem, "unit id 1 instead of 247");
  const auto wrong_fc = bytes({0x00, 0x07, 0, 0, 0, 6, 247, 0x06, 0xc3, 0x50, 1, 2});
  d = decode_reply(Framer::tcp, wrong_fc, 7, 247, 0x03);
  EXPECT_EQ(d.problem, "function 0x06 instead of 0x03");
  const auto short_count = bytes({0x00, 0x07, 0, 0, 0, 5, 247, 0x03, 4, 0x21, 0x66});
  d = decode_reply(Framer::tcp, short_count, 7, 247, 0x03);
  EXPECT_EQ(d.status, Decoded::Status::bad);
}

TEST(DecodeReply, ExceptionReplies) {
  const auto exc = bytes({0x00, 0x07, 0, 0, 0, 3, 247, 0x83, 0x02});
  const auto d = decode_reply(Framer::tcp, exc, 7, 247, 0x03);
  ASSERT_EQ(d.status, Decoded::Status::ok);
  EXPECT_EQ(d.pdu[0], 0x83);
  EXPECT_EQ(exception_text(d.pdu[1]), "illegal data address");
}

TEST(DecodeReply, RtuChecksCrcAndUnit) {
  auto good = encode(Framer::rtu, 0, 252, bytes({0x03, 0x02, 0x21, 0x66}));
  auto d = decode_reply(Framer::rtu, good, 0, 252, 0x03);
  ASSERT_EQ(d.status, Decoded::Status::ok) << d.problem;
  EXPECT_EQ(hex(d.pdu), "03022166");
  EXPECT_EQ(decode_reply(Framer::rtu, std::span(good).first(5), 0, 252, 0x03).status,
            Decoded::Status::need_more);
  auto bad_crc = good;
  bad_crc.back() ^= 0xFF;
  d = decode_reply(Framer::rtu, bad_crc, 0, 252, 0x03);
  EXPECT_EQ(d.status, Decoded::Status::bad);
  EXPECT_NE(d.problem.find("CRC"), std::string::npos);
  auto other_unit = encode(Framer::rtu, 0, 247, bytes({0x03, 0x02, 0x21, 0x66}));
  d = decode_reply(Framer::rtu, other_unit, 0, 252, 0x03);
  EXPECT_EQ(d.problem, "unit id 247 instead of 252");
  auto write_echo = encode(Framer::rtu, 0, 252, write_single_pdu(50000, 258));
  d = decode_reply(Framer::rtu, write_echo, 0, 252, 0x06);
  EXPECT_EQ(d.status, Decoded::Status::ok);
  auto rtu_exc = encode(Framer::rtu, 0, 252, bytes({0x86, 0x02}));
  d = decode_reply(Framer::rtu, rtu_exc, 0, 252, 0x06);
  ASSERT_EQ(d.status, Decoded::Status::ok);
  EXPECT_EQ(d.pdu[1], 2);
}

TEST(ReplyMismatch, AReplyMustAnswerItsVeryRequest) {
  const auto read = read_holding_pdu(10000, 2);
  EXPECT_FALSE(reply_mismatch(read, bytes({0x03, 4, 0, 1, 0, 2})));
  EXPECT_EQ(*reply_mismatch(read, bytes({0x03, 2, 0, 1})), "1 words instead of 2");
  EXPECT_FALSE(reply_mismatch(read, bytes({0x83, 2})));  // an exception answers too
  const auto single = write_single_pdu(50000, 258);
  EXPECT_FALSE(reply_mismatch(single, single));
  EXPECT_EQ(*reply_mismatch(single, write_single_pdu(50000, 257)),
            "echoed value 257 instead of 258");
  EXPECT_EQ(*reply_mismatch(single, write_single_pdu(50001, 258)),
            "reply for address 50001 instead of 50000");
  const uint16_t words[] = {1, 2};
  const auto multi = write_multiple_pdu(52601, words);
  EXPECT_FALSE(reply_mismatch(multi, bytes({0x10, 0xCD, 0x79, 0, 2})));
  EXPECT_EQ(*reply_mismatch(multi, bytes({0x10, 0xCD, 0x79, 0, 1})),
            "echoed quantity 1 instead of 2");
  EXPECT_EQ(*reply_mismatch(read, single), "reply to another function");
}

TEST(DecodeReply, AMismatchedHeaderIsRefusedBeforeThePduArrives) {
  // only the MBAP header of a reply with another transaction id: no waiting
  const auto header = bytes({0x00, 0x08, 0, 0, 0, 5, 247});
  const auto d = decode_reply(Framer::tcp, header, 7, 247, 0x03);
  EXPECT_EQ(d.status, Decoded::Status::bad);
  EXPECT_EQ(d.problem, "transaction id 8 instead of 7");
  EXPECT_EQ(decode_reply(Framer::tcp, bytes({0x00, 0x07, 0, 0, 0, 5, 1}), 7, 247, 0x03).problem,
            "unit id 1 instead of 247");
}

}  // namespace
}  // namespace mtec::modbus
