#include "batched_gemm_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>

namespace accel {

namespace {

// Brings the next matrix's A, B and C into L2, one cache line per step: at
// n = 64 and 128 a product's 48-192 KiB no longer fits L1 and the hardware
// prefetchers do not follow the block order, so the cores waited on memory
// (53-65 % of the FMA ceiling on the AVX-512 VM). One step per k iteration
// spreads the lines over the first 3/4 (n = 64) or 3/8 (n = 128) of a
// product with AVX-512 blocks. In trials there, two lines per step, the L1
// hint, or the matrix after next (with the L1 hint) were slower; at n = 16
// and 32 (already near the ceiling) it gained nothing, so those go without.
template <int N>
class next_matrix_prefetch {
 public:
  next_matrix_prefetch(const float* a, const float* b, const float* c) : base_{a, b, c} {}
  void step() {
    if (base_[0] == nullptr || line_ >= 3 * kLines) return;
    __builtin_prefetch(reinterpret_cast<const char*>(base_[line_ / kLines]) + (line_ % kLines) * kLineBytes, 0, 2);
    ++line_;
  }

 private:
  static constexpr int kLineBytes = 64;
  static constexpr int kLines = N * N * int(sizeof(float)) / kLineBytes;
  const float* base_[3];
  int line_ = 0;
};

// The columns [j, N) of C's rows [r, r + MR), as MR x NR blocks held in
// registers over the whole k loop: each step loads a column slice of A (MR/P
// packets) and broadcasts NR elements of B, MR/P x NR FMAs. Columns that no
// longer fill an NR block go to narrower ones: 4, 2, then 1 wide.
template <int N, int MR, int NR>
void row_block(const float* a, const float* b, float* c, next_matrix_prefetch<N>& next, int r, int j) {
  constexpr bool prefetch = N >= 64;
  using block = Eigen::Matrix<float, MR, NR>;
  for (; j + NR <= N; j += NR) {
    block acc = block::Zero();
    for (int k = 0; k < N; ++k) {
      if constexpr (prefetch) next.step();
      const Eigen::Map<const Eigen::Matrix<float, MR, 1>> a_col(a + k * N + r);
      for (int q = 0; q < NR; ++q) acc.col(q).noalias() += a_col * b[(j + q) * N + k];
    }
    Eigen::Map<Eigen::Matrix<float, N, N>>(c).template block<MR, NR>(r, j) = acc;
  }
  if constexpr (NR > 1)
    if (j < N) row_block<N, MR, (NR > 4 ? 4 : NR / 2)>(a, b, c, next, r, j);
}

// One n x n product, C = A * B (column-major), a row block at a time. Eigen's
// general product, used before, packs A and B for every call, which at these
// sizes costs more than it saves (README, "The batched workloads"). `next`
// holds the next product's A, B and C (nullptr: none).
template <int N, int MR, int NR>
void gemm_registers(const float* a, const float* b, float* c, next_matrix_prefetch<N> next) {
  for (int r = 0; r < N; r += MR) row_block<N, MR, NR>(a, b, c, next, r, 0);
}

template <int N>
void gemm_fixed(int64_t batch, const float* a, const float* b, float* c) {
  // P floats per vector register. Blocks two registers tall, 8 wide where
  // there are 32 registers (AVX-512: 16 accumulators), else 6 wide (12 of
  // 16, with 2 for A's slice and 1 for a broadcast; n = 16 and 64 end in a
  // block 4 wide, 32 and 128 in one 2 wide). In trials on the AVX-512 VM 8 wide beat
  // blocks of whole columns at n = 64 and 128, and 16 wide at n = 16 (16
  // broadcasts per load of A); packing A and B first made every size slower.
  // With AVX2, 4 wide (8 accumulators, before) left the two FMA pipes of 4
  // cycles' latency waiting on their chains (README, "The batched workloads").
  constexpr int P = Eigen::internal::packet_traits<float>::size;
  constexpr int MR = std::min(N, 2 * P), NR = P >= 16 ? 8 : 6;
  static_assert(N % MR == 0, "row blocks must tile the matrix");
  constexpr int64_t stride = int64_t(N) * N;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t at = i + 1 < batch ? (i + 1) * stride : -1;  // the next product, if any
    const next_matrix_prefetch<N> next = at < 0 ? next_matrix_prefetch<N>(nullptr, nullptr, nullptr)
                                                : next_matrix_prefetch<N>(a + at, b + at, c + at);
    gemm_registers<N, MR, NR>(a + i * stride, b + i * stride, c + i * stride, next);
  }
}

}  // namespace

void batched_gemm_cpu(int n, int64_t batch, const float* a, const float* b, float* c) {
  switch (n) {
    case 16: return gemm_fixed<16>(batch, a, b, c);
    case 32: return gemm_fixed<32>(batch, a, b, c);
    case 64: return gemm_fixed<64>(batch, a, b, c);
    case 128: return gemm_fixed<128>(batch, a, b, c);
    default: break;
  }
  using mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  const int64_t stride = int64_t(n) * n;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < batch; ++i) {
    Eigen::Map<mat> ci(c + i * stride, n, n);
    ci.noalias() = Eigen::Map<const mat>(a + i * stride, n, n) * Eigen::Map<const mat>(b + i * stride, n, n);
  }
}

void batched_gemm_reference(int n, int64_t batch, const float* a, const float* b, double* c) {
  const int64_t stride = int64_t(n) * n;
  for (int64_t i = 0; i < batch; ++i)
    for (int col = 0; col < n; ++col)
      for (int row = 0; row < n; ++row) {
        double s = 0;
        for (int k = 0; k < n; ++k) s += double(a[i * stride + k * n + row]) * b[i * stride + col * n + k];
        c[i * stride + col * n + row] = s;
      }
}

}  // namespace accel
