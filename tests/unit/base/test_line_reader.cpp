// LineReader: lines split however the bytes arrive, a last line without
// '\n', over-long lines cut and flagged, a timeout when nothing is complete.
#include <gtest/gtest.h>
#include <unistd.h>

#include "mtec/base/line_reader.hpp"

namespace mtec {
namespace {

struct Pipe {
  int fd[2];
  Pipe() { EXPECT_EQ(::pipe(fd), 0); }
  ~Pipe() {
    ::close(fd[0]);
    if (fd[1] >= 0) ::close(fd[1]);
  }
  void put(const std::string& s) {
    EXPECT_EQ(::write(fd[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void close_writer() {
    ::close(fd[1]);
    fd[1] = -1;
  }
};

TEST(LineReader, LinesAcrossWritesAndALastLineWithoutNewline) {
  Pipe p;
  LineReader in(p.fd[0], -1);
  std::string line;
  p.put("fir");
  EXPECT_EQ(in.next_within(line, 0), LineReader::Status::timeout);  // no complete line yet
  p.put("st\nsecond\nthi");
  EXPECT_EQ(in.next_within(line, 0), LineReader::Status::line);
  EXPECT_EQ(line, "first");
  EXPECT_EQ(in.next(line), LineReader::Status::line);
  EXPECT_EQ(line, "second");
  p.put("rd");
  p.close_writer();
  EXPECT_EQ(in.next(line), LineReader::Status::line);
  EXPECT_EQ(line, "third");
  EXPECT_EQ(in.next(line), LineReader::Status::eof);
}

TEST(LineReader, AnOverLongLineIsCutAndFlagged) {
  Pipe p;
  LineReader in(p.fd[0], -1, 8);
  p.put("0123456789abcdef\nok\n");
  p.close_writer();
  std::string line;
  ASSERT_EQ(in.next(line), LineReader::Status::line);
  EXPECT_TRUE(in.truncated());
  EXPECT_LE(line.size(), 8u);
  ASSERT_EQ(in.next(line), LineReader::Status::line);
  EXPECT_FALSE(in.truncated());
  EXPECT_EQ(line, "ok");
}

}  // namespace
}  // namespace mtec
