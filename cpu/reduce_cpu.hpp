// reduce's CPU paths (bench/workloads/reduce.cpp) beside a double-precision reference
// that the tests check them against. OpenMP over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// The sum of an array; each thread's partial added in thread order.
float sum_cpu(const float* x, size_t n);
double sum_reference(const float* x, size_t n);
// out[r] = sum of row r of a rows x cols row-major matrix.
void row_sums_cpu(const float* x, size_t rows, size_t cols, float* out);

}  // namespace accel
