// batched_gemm's CPU path (bench/workloads/batched_gemm.cpp) beside a double-precision
// reference that the tests check it against. OpenMP over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// C_i = A_i * B_i, n x n, column-major, matrices back to back.
// n in {16, 32, 64, 128}: fixed-size Eigen blocks of C kept in registers;
// other n Eigen's general product.
void batched_gemm_cpu(int n, int64_t batch, const float* a, const float* b, float* c);
void batched_gemm_reference(int n, int64_t batch, const float* a, const float* b, double* c);

}  // namespace accel
