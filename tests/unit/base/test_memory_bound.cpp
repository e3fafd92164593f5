// The data memory bound: an allocation over it fails (in a child process, so
// that the test binary keeps its own limits); a lower limit is kept.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "mtec/base/memory_bound.hpp"

namespace mtec {
namespace {

constexpr size_t kMiB = 1024 * 1024;

// Runs `body` in a child; its exit status.
int in_child(int (*body)()) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(MemoryBound, AnAllocationOverTheBoundFailsOneUnderItWorks) {
  const int rc = in_child([] {
    const auto b = bound_data_memory(48 * kMiB);
    if (b == MemoryBound::in_use_above) return 77;  // under a sanitizer: nothing to test
    if (b != MemoryBound::set) return 2;
    void* huge = std::malloc(256 * kMiB);  // what a hostile broker announces
    if (huge) return 3;
    void* small = std::malloc(8 * kMiB);
    if (!small) return 4;
    std::free(small);
    rlimit r{};
    ::getrlimit(RLIMIT_DATA, &r);
    return r.rlim_cur == 48 * kMiB ? 0 : 5;
  });
  if (rc == 77) GTEST_SKIP() << "the process uses more data memory already (a sanitizer)";
  EXPECT_EQ(rc, 0);
}

TEST(MemoryBound, ALowerLimitIsKept) {
  const int rc = in_child([] {
    rlimit r{};
    ::getrlimit(RLIMIT_DATA, &r);
    r.rlim_cur = 32 * kMiB;
    if (::setrlimit(RLIMIT_DATA, &r) != 0) return 77;
    if (bound_data_memory(48 * kMiB) != MemoryBound::already_lower) return 2;
    ::getrlimit(RLIMIT_DATA, &r);
    return r.rlim_cur == 32 * kMiB ? 0 : 3;
  });
  if (rc == 77) GTEST_SKIP() << "the process uses more data memory already (a sanitizer)";
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace mtec
