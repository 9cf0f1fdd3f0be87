// scan's CPU paths (bench/workloads/scan.cpp): a parallel scan over the threads set by
// set_cpu_threads() (OpenMP) and std::inclusive_scan on one core, its reference.
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// Inclusive prefix sums in parallel, in rounds of one cache-sized tile per
// thread: each tile's sum, then its scan from the running start, so the
// input comes from memory once (scan_cpu.cpp says more).
void inclusive_scan_parallel(const int32_t* in, int32_t* out, size_t n);
void inclusive_scan_parallel(const float* in, float* out, size_t n);
// std::inclusive_scan on one core.
void inclusive_scan_std(const int32_t* in, int32_t* out, size_t n);
void inclusive_scan_std(const float* in, float* out, size_t n);

}  // namespace accel
