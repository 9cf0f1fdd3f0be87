// CPU paths of the batched workloads (bench/workloads/*.cpp), each beside a
// simple double-precision (or std::) reference that the tests check it against.
// Parallel paths use OpenMP over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// --- batched_gemm: C_i = A_i * B_i, n x n, column-major, matrices back to back.
// n in {16, 32, 64, 128}: fixed-size Eigen blocks of C kept in registers;
// other n Eigen's general product.
void batched_gemm_cpu(int n, int64_t batch, const float* a, const float* b, float* c);
void batched_gemm_reference(int n, int64_t batch, const float* a, const float* b, double* c);

// --- reduce
float sum_cpu(const float* x, size_t n);
double sum_reference(const float* x, size_t n);
// out[r] = sum of row r of a rows x cols row-major matrix.
void row_sums_cpu(const float* x, size_t rows, size_t cols, float* out);

// --- scan: inclusive prefix sums.
// Blocked parallel scan: each thread scans its block, block totals are
// scanned, then each block adds its offset (two passes over the data).
void inclusive_scan_parallel(const int32_t* in, int32_t* out, size_t n);
void inclusive_scan_parallel(const float* in, float* out, size_t n);
// std::inclusive_scan on one core.
void inclusive_scan_std(const int32_t* in, int32_t* out, size_t n);
void inclusive_scan_std(const float* in, float* out, size_t n);

// --- sort: 32-bit unsigned keys, optionally with 32-bit values (stable).
// Radix sort, 8 bits per pass: the top byte first over all threads (256
// buckets), then the three low bytes LSD inside each bucket, buckets spread
// over the threads; stable. `tmp_keys` / `tmp_vals` hold n each; `vals` and
// `tmp_vals` are both null for keys alone. Keys that share their top byte
// land in one bucket, sorted by one thread.
void radix_sort_parallel(uint32_t* keys, uint32_t* vals, size_t n, uint32_t* tmp_keys, uint32_t* tmp_vals);
// std::sort on one core; pairs are packed to 64 bits (key high, value low) so
// that equal keys keep their values' order when values are positions.
void sort_std(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* packed);

// --- elementwise
// out = a * x + y
void saxpy_cpu(float a, const float* x, const float* y, float* out, size_t n);
// GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
void gelu_cpu(const float* x, float* out, size_t n);
double gelu_reference(double x);

}  // namespace accel
