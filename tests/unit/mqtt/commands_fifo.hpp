// A commands FIFO in a fresh temporary directory with its read end open
// (non-blocking), as mtec-write holds it: for the tests of the command path.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace mtec::mqtt::fake {

class CommandsFifo {
 public:
  CommandsFifo() {
    dir_ = std::filesystem::temp_directory_path() /
           ("mtec-commands-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "commands").string();
    EXPECT_EQ(::mkfifo(path_.c_str(), 0600), 0);
    reader_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
    EXPECT_GE(reader_, 0);
  }
  ~CommandsFifo() {
    ::close(reader_);
    std::filesystem::remove_all(dir_);
  }
  CommandsFifo(const CommandsFifo&) = delete;
  CommandsFifo& operator=(const CommandsFifo&) = delete;

  const std::string& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }
  // Everything written so far (and not read before).
  std::string drain() {
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(reader_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  std::filesystem::path dir_;
  std::string path_;
  int reader_ = -1;
};

}  // namespace mtec::mqtt::fake
