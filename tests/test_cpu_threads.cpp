// cpu/cpu_threads.cpp: what "all" CPU threads means.
#include <gtest/gtest.h>
#include <sched.h>

#include "cpu_threads.hpp"

using namespace accel;

// "all" is every CPU the process may run on (its affinity mask), quota or
// not (README, "CPU scaling": under a quota more threads still gave lower
// medians).
TEST(CpuThreads, AllIsEveryCpuThisProcessMayRunOn) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  ASSERT_EQ(::sched_getaffinity(0, sizeof mask, &mask), 0);
  EXPECT_EQ(cpu_threads_available(), CPU_COUNT(&mask));
}
