#include "mtec/base/line_writer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

bool LineWriter::add(const std::string& line) {
  errno = 0;
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() ||
      std::fputc('\n', out_) == EOF)
    return failed();
  ++pending_;
  return true;
}

bool LineWriter::flush() {
  errno = 0;
  if (std::fflush(out_) != 0) return failed();
  lines_ += pending_;
  pending_ = 0;
  return true;
}

bool LineWriter::failed() {
  if (errno == EPIPE) return false;
  throw Error(ErrorClass::io,
              fmt::format("cannot write to standard output: {}", std::strerror(errno)));
}

}  // namespace base
}  // namespace mtec
