// batched_gemm's own kernel (device code only; batched_gemm.cu launches it,
// and tests/test_kernels_emulated.cpp runs it on the host): C_i = A_i * B_i
// for many n x n column-major matrices, n in {16, 32, 64, 128}.
#pragma once
#include <cstdint>

namespace accel::gpu::kernels {

constexpr int kGemmBatchedThreads = 256;  // a 16 x 16 thread grid

// Output tile edge: the whole matrix up to 64, else 64.
constexpr int gemm_batched_tile(int n) { return n < 64 ? n : 64; }

// One block per (matrix, output tile): x the matrix, y its tile.
template <int N>
dim3 gemm_batched_grid(int64_t batch) {
  constexpr int per_edge = N / gemm_batched_tile(N);
  return dim3(unsigned(batch), per_edge * per_edge);
}

// Thread (tx, ty) of a 16x16 block owns rows tx + 16i and columns ty + 16j of
// the tile: consecutive threads touch consecutive rows, so the loads of A,
// the reads of As and the stores of C are all unit-stride (column-major).
template <int N>
__global__ void __launch_bounds__(kGemmBatchedThreads)
    gemm_batched_tiles(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  constexpr int T = gemm_batched_tile(N);  // output tile edge
  constexpr int BK = 16;                   // k-slice staged per step
  constexpr int R = T / 16;                // register tile edge per thread
  constexpr int TILES = N / T;
  __shared__ float As[BK][T];      // As[k][row]
  __shared__ float Bs[BK][T + 1];  // Bs[k][col], padded: the loads write down a column
  const size_t mat = blockIdx.x;
  const int tile = blockIdx.y, row0 = (tile % TILES) * T, col0 = (tile / TILES) * T;
  const float* a = A + mat * N * N;
  const float* b = B + mat * N * N;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  float acc[R][R] = {};
  for (int k0 = 0; k0 < N; k0 += BK) {
    for (int i = tid; i < T * BK; i += kGemmBatchedThreads) {
      const int r = i % T, k = i / T;  // A(row0 + r, k0 + k): unit stride in r
      As[k][r] = a[size_t(k0 + k) * N + row0 + r];
    }
    for (int i = tid; i < T * BK; i += kGemmBatchedThreads) {
      const int k = i % BK, c = i / BK;  // B(k0 + k, col0 + c): unit stride in k
      Bs[k][c] = b[size_t(col0 + c) * N + k0 + k];
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float av[R], bv[R];
#pragma unroll
      for (int i = 0; i < R; ++i) av[i] = As[k][tx + 16 * i];
#pragma unroll
      for (int j = 0; j < R; ++j) bv[j] = Bs[k][ty + 16 * j];
#pragma unroll
      for (int i = 0; i < R; ++i)
#pragma unroll
        for (int j = 0; j < R; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
  float* c = C + mat * N * N;
#pragma unroll
  for (int j = 0; j < R; ++j)
#pragma unroll
    for (int i = 0; i < R; ++i) c[size_t(col0 + ty + 16 * j) * N + row0 + tx + 16 * i] = acc[i][j];
}

}  // namespace accel::gpu::kernels
