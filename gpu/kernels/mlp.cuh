// The MLP's own kernels (device code only; mlp_gpu.cu launches them, and
// tests/test_kernels_emulated.cpp runs them on the host).
//   sgemm_bias_act: C = act(A * B + bias), a tiled SGEMM with bias and ReLU in
//                   the epilogue before the one store
//   bias_act:       y = act(y + bias), after cuBLAS's GEMM
//   softmax_rows:   row-wise softmax in place, one warp per row
#pragma once

namespace accel::gpu::kernels {

// The two SGEMM tilings: a BM x BN block tile, TM x TN outputs per thread,
// k-slices of BK staged in shared memory.
template <int BM_, int BN_, int BK_, int TM_, int TN_>
struct sgemm_tiles {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, TM = TM_, TN = TN_;
  static constexpr int threads = (BM / TM) * (BN / TN);
  // One block per tile of C, on one grid dimension (gridDim.y stops at 65535).
  static unsigned blocks(int M, int N) { return unsigned((N + BN - 1) / BN) * unsigned((M + BM - 1) / BM); }
};
using sgemm_wide = sgemm_tiles<128, 128, 8, 8, 8>;
// Thin batches (few rows) would leave most of a 128-row tile idle and launch
// too few blocks to fill the GPU.
using sgemm_thin = sgemm_tiles<16, 64, 16, 1, 4>;
constexpr int kThinBatchRows = 64;

// C[M x N] = act(A[M x K] * B[K x N] + bias[N]), all row-major.
// Thread (tx, ty) owns rows ty + i*TY and columns tx + j*TX of the block tile:
// strided ownership makes the shared-memory reads of B consecutive across a
// warp and the reads of A broadcasts, so neither has bank conflicts. A is
// stored transposed (As[k][m], row padded by 4) so the k-loop reads it by row.
// Blocks walk the tiles column tiles first.
template <typename Tiles>
__global__ void __launch_bounds__(Tiles::threads)
    sgemm_bias_act(const float* __restrict__ A, const float* __restrict__ B, const float* __restrict__ bias,
                   float* __restrict__ C, int M, int N, int K, bool relu) {
  constexpr int BM = Tiles::BM, BN = Tiles::BN, BK = Tiles::BK, TM = Tiles::TM, TN = Tiles::TN;
  constexpr int TX = BN / TN, TY = BM / TM, THREADS = Tiles::threads;
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN];
  const int tid = threadIdx.x, tx = tid % TX, ty = tid / TX;
  const int col_tiles = (N + BN - 1) / BN;
  const int m0 = int(blockIdx.x / col_tiles) * BM, n0 = int(blockIdx.x % col_tiles) * BN;
  float acc[TM][TN] = {};

  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK, gr = m0 + r, gc = k0 + c;
      As[c][r] = (gr < M && gc < K) ? A[size_t(gr) * K + gc] : 0.f;
    }
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN, c = i % BN, gr = k0 + r, gc = n0 + c;
      Bs[r][c] = (gr < K && gc < N) ? B[size_t(gr) * N + gc] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[k][ty + i * TY];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[k][tx + j * TX];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int row = m0 + ty + i * TY;
    if (row >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int col = n0 + tx + j * TX;
      if (col >= N) continue;
      float v = acc[i][j] + bias[col];
      if (relu) v = fmaxf(v, 0.f);
      C[size_t(row) * N + col] = v;
    }
  }
}

// y[r][c] = act(y[r][c] + bias[c]) over rows x cols, grid-stride.
__global__ void bias_act(float* __restrict__ y, const float* __restrict__ bias, size_t total, int cols, bool relu) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total; i += size_t(gridDim.x) * blockDim.x) {
    float v = y[i] + bias[i % cols];
    y[i] = relu ? fmaxf(v, 0.f) : v;
  }
}

// Row-wise softmax in place, one warp per row: max and sum by warp shuffles.
// blockDim.x must be a multiple of 32.
__global__ void softmax_rows(float* __restrict__ x, int rows, int cols) {
  const int row = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;  // whole warps leave together
  float* r = x + size_t(row) * cols;
  float mx = -INFINITY;
  for (int c = lane; c < cols; c += 32) mx = fmaxf(mx, r[c]);
  for (int o = 16; o > 0; o /= 2) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, o));
  float sum = 0.f;
  for (int c = lane; c < cols; c += 32) sum += expf(r[c] - mx);
  for (int o = 16; o > 0; o /= 2) sum += __shfl_xor_sync(0xffffffffu, sum, o);
  const float inv = 1.f / sum;
  for (int c = lane; c < cols; c += 32) r[c] = expf(r[c] - mx) * inv;
}

}  // namespace accel::gpu::kernels
