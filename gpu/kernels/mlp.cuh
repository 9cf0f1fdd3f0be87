// The MLP's own kernels (device code only; mlp_gpu.cu launches them, and
// tests/test_kernels_emulated.cpp runs them on the host).
//   sgemm_bias_act: C = act(A * B + bias), a tiled SGEMM with bias and ReLU in
//                   the epilogue before the one store
//   sgemm_bias_act_vec: the same with 16-byte loads and double buffering, for
//                   rows of a multiple of 4 floats
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

// The same product for 16-byte rows (K % 4 == 0, N % 4 == 0, A, B, bias
// and C 16-byte aligned), which the MLP's hidden layers have: a 128 x 128
// block tile, k-slices of 8, 256 threads with 8 x 8 outputs each. Three
// changes from sgemm_bias_act, each aimed at what limits it (on an H100 it
// ran at 52-59 % of cuBLAS's SGEMM at batch >= 4096):
//  - 16-byte loads: one float4 of A and one of B per thread per k-slice from
//    global memory, and four float4 reads (LDS.128) of shared memory per k
//    instead of 16 scalar ones. A thread owns two 4 x 4 quadrants 64 apart
//    (rows ty*4 + i and 64 + ty*4 + i, columns likewise with tx), so a quarter
//    warp's 16-byte reads of B cover 32 consecutive floats: no bank conflicts.
//  - Double buffering: the next k-slice's loads are issued before the math on
//    this one and stored to the other shared buffer after it, so the loads'
//    latency hides behind the FMAs, with one barrier per k-slice.
//  - The epilogue stores float4s.
struct sgemm_vec_tiles {
  static constexpr int BM = 128, BN = 128, BK = 8, threads = 256;
  static unsigned blocks(int M, int N) { return unsigned((N + BN - 1) / BN) * unsigned((M + BM - 1) / BM); }
};

__global__ void __launch_bounds__(sgemm_vec_tiles::threads, 2)
    sgemm_bias_act_vec(const float* __restrict__ A, const float* __restrict__ B, const float* __restrict__ bias,
                       float* __restrict__ C, int M, int N, int K, bool relu) {
  constexpr int BM = sgemm_vec_tiles::BM, BN = sgemm_vec_tiles::BN, BK = sgemm_vec_tiles::BK;
  // As is A's tile transposed (As[k][m]); its rows padded by 4 floats so the
  // two k-quads a warp stores land in different banks (and stay 16-byte aligned).
  __shared__ __align__(16) float As[2][BK][BM + 4];
  __shared__ __align__(16) float Bs[2][BK][BN];
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int col_tiles = (N + BN - 1) / BN;
  const int m0 = int(blockIdx.x / col_tiles) * BM, n0 = int(blockIdx.x % col_tiles) * BN;
  // This thread's loads: A(m0 + a_r, k0 + a_k .. +3) and B(k0 + b_r, n0 + b_c .. +3).
  const int a_r = tid / 2, a_k = (tid % 2) * 4, b_r = tid / 32, b_c = (tid % 32) * 4;
  const float4 zero = make_float4(0.f, 0.f, 0.f, 0.f);
  float4 a_ld = zero, b_ld = zero;
  const auto load = [&](int k0) {
    a_ld = (m0 + a_r < M && k0 + a_k < K) ? *reinterpret_cast<const float4*>(A + size_t(m0 + a_r) * K + k0 + a_k)
                                          : zero;
    b_ld = (k0 + b_r < K && n0 + b_c < N) ? *reinterpret_cast<const float4*>(B + size_t(k0 + b_r) * N + n0 + b_c)
                                          : zero;
  };
  const auto store = [&](int buf) {
    As[buf][a_k + 0][a_r] = a_ld.x;
    As[buf][a_k + 1][a_r] = a_ld.y;
    As[buf][a_k + 2][a_r] = a_ld.z;
    As[buf][a_k + 3][a_r] = a_ld.w;
    *reinterpret_cast<float4*>(&Bs[buf][b_r][b_c]) = b_ld;
  };
  float acc[8][8] = {};
  load(0);
  store(0);
  __syncthreads();
  int buf = 0;
  for (int k0 = 0; k0 < K; k0 += BK) {
    const bool more = k0 + BK < K;
    if (more) load(k0 + BK);
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      const float4 a0 = *reinterpret_cast<const float4*>(&As[buf][k][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&As[buf][k][64 + ty * 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][k][tx * 4]);
      const float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][k][64 + tx * 4]);
      const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      const float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int i = 0; i < 8; ++i)
#pragma unroll
        for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    // The other buffer was last read before the previous barrier: free to fill.
    if (more) store(buf ^ 1);
    __syncthreads();
    buf ^= 1;
  }

#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int row = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
    if (row >= M) continue;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int col = n0 + h * 64 + tx * 4;
      if (col >= N) continue;  // N % 4 == 0: the float4 is all in or all out
      const float4 bv = *reinterpret_cast<const float4*>(bias + col);
      float4 v = make_float4(acc[i][4 * h] + bv.x, acc[i][4 * h + 1] + bv.y, acc[i][4 * h + 2] + bv.z,
                             acc[i][4 * h + 3] + bv.w);
      if (relu) v = make_float4(fmaxf(v.x, 0.f), fmaxf(v.y, 0.f), fmaxf(v.z, 0.f), fmaxf(v.w, 0.f));
      *reinterpret_cast<float4*>(C + size_t(row) * N + col) = v;
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
