#include "mtec/base/memory_bound.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace mtec {
inline namespace base {

namespace {

// The data memory in use now (the 6th field of /proc/self/statm, in pages),
// or 0 when it cannot be told.
size_t data_in_use() {
  std::ifstream in("/proc/self/statm");
  size_t size = 0, resident = 0, shared = 0, text = 0, lib = 0, data = 0;
  if (!(in >> size >> resident >> shared >> text >> lib >> data)) return 0;
  return data * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

MemoryBound bound_data_memory(size_t bytes) {
  rlimit r{};
  if (::getrlimit(RLIMIT_DATA, &r) != 0) return MemoryBound::in_use_above;
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur <= bytes) return MemoryBound::already_lower;
  if (data_in_use() * 2 > bytes) return MemoryBound::in_use_above;
  r.rlim_cur = bytes;
  if (r.rlim_max != RLIM_INFINITY && r.rlim_max < r.rlim_cur) r.rlim_cur = r.rlim_max;
  return ::setrlimit(RLIMIT_DATA, &r) == 0 ? MemoryBound::set : MemoryBound::in_use_above;
}

}  // namespace base
}  // namespace mtec
