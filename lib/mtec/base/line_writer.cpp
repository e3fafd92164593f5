#include "mtec/base/line_writer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mtec/base/errors.hpp"

namespace mtec {
inline namespace base {

void LineWriter::add(std::string_view line) {
  burst_.append(line);
  burst_.push_back('\n');
  ++pending_;
}

bool LineWriter::flush() {
  if (burst_.empty()) return true;
  std::string burst;
  burst.swap(burst_);
  const uint64_t lines = pending_;
  pending_ = 0;
  errno = 0;
  if (std::fflush(out_) != 0) return failed();  // what stdio holds comes first
  const int fd = ::fileno(out_);
  for (size_t done = 0; done < burst.size();) {
    const ssize_t n = ::write(fd, burst.data() + done, burst.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failed();
    done += static_cast<size_t>(n);
  }
  lines_ += lines;
  burst.clear();
  burst_.swap(burst);  // keeps the capacity for the next burst
  return true;
}

bool LineWriter::failed() {
  if (errno == EPIPE) return false;
  throw Error(ErrorClass::io, fmt::format("cannot write to standard output: {}",
                                          errno ? std::strerror(errno) : "nothing written"));
}

}  // namespace base
}  // namespace mtec
