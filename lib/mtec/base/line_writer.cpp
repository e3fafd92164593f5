#include "mtec/base/line_writer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

bool LineWriter::write_line(const std::string& line) {
  errno = 0;
  const bool ok = std::fwrite(line.data(), 1, line.size(), out_) == line.size() &&
                  std::fputc('\n', out_) != EOF && std::fflush(out_) == 0;
  if (ok) {
    ++lines_;
    return true;
  }
  if (errno == EPIPE) return false;
  throw Error(ErrorClass::io,
              fmt::format("cannot write to standard output: {}", std::strerror(errno)));
}

}  // namespace base
}  // namespace mtec
