// A Logger writing into a temporary file, and what it wrote, for tests.
#pragma once

#include <cstdio>
#include <string>

#include "mtec/base/log.hpp"

namespace mtec::test {

struct CapturedLog {
  FILE* file = std::tmpfile();
  Logger log;
  explicit CapturedLog(std::string tool)
      : log(std::move(tool), Logger::Format::text, false, file) {}
  ~CapturedLog() { std::fclose(file); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // Every line written so far.
  std::string text() const {
    std::string out;
    std::fflush(file);
    std::rewind(file);
    char buf[1024];
    while (std::fgets(buf, sizeof buf, file)) out += buf;
    return out;
  }
};

}  // namespace mtec::test
