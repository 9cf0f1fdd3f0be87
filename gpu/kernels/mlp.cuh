// The MLP's own kernels (device code only; mlp_gpu.cu launches them, and
// tests/test_kernels_emulated.cpp runs them on the host).
//   sgemm_bias_act: C = act(A * B + bias), a tiled SGEMM with bias and ReLU in
//                   the epilogue before the one store
//   sgemm_bias_act_vec: the same with 16-byte loads and double buffering, for
//                   rows of a multiple of 4 floats
//   Both split over K (partial tiles, then splitk_sum_bias_act) when their
//   tiles would leave most of the GPU's SMs idle (plan_splitk); layer_plan
//   says which kernel a layer runs and how it splits.
//   bias_act:       y = act(y + bias), after cuBLAS's GEMM
//   softmax_rows:   row-wise softmax in place, one warp per row
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

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
// Split over K (Split = true) as sgemm_bias_act_vec below: block (x, y) takes
// K's range [y * k_per_split, ...) (any length) and stores its raw tile into
// plane y of `partial`; unsplit it ignores the last two arguments.
template <typename Tiles, bool Split>
__global__ void __launch_bounds__(Tiles::threads)
    sgemm_bias_act(const float* __restrict__ A, const float* __restrict__ B, const float* __restrict__ bias,
                   float* __restrict__ C, int M, int N, int K, bool relu, int k_per_split,
                   float* __restrict__ partial) {
  constexpr int BM = Tiles::BM, BN = Tiles::BN, BK = Tiles::BK, TM = Tiles::TM, TN = Tiles::TN;
  constexpr int TX = BN / TN, TY = BM / TM, THREADS = Tiles::threads;
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN];
  const int tid = threadIdx.x, tx = tid % TX, ty = tid / TX;
  const int col_tiles = (N + BN - 1) / BN;
  const int m0 = int(blockIdx.x / col_tiles) * BM, n0 = int(blockIdx.x % col_tiles) * BN;
  const int k_begin = Split ? int(blockIdx.y) * k_per_split : 0;
  const int k_end = Split && k_begin + k_per_split < K ? k_begin + k_per_split : K;
  float acc[TM][TN] = {};

  for (int k0 = k_begin; k0 < k_end; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK, gr = m0 + r, gc = k0 + c;
      As[c][r] = (gr < M && gc < k_end) ? A[size_t(gr) * K + gc] : 0.f;
    }
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN, c = i % BN, gr = k0 + r, gc = n0 + c;
      Bs[r][c] = (gr < k_end && gc < N) ? B[size_t(gr) * N + gc] : 0.f;
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

  float* const out = Split ? partial + size_t(blockIdx.y) * M * N : C;
#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int row = m0 + ty + i * TY;
    if (row >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int col = n0 + tx + j * TX;
      if (col >= N) continue;
      float v = acc[i][j];
      if (!Split) {
        v += bias[col];
        if (relu) v = fmaxf(v, 0.f);
      }
      out[size_t(row) * N + col] = v;
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
//
// Split-K (Split = true): block (x, y) multiplies over K's range
// [y * k_per_split, (y + 1) * k_per_split) only (k_per_split a multiple of
// BK) and stores its raw tile into plane y of `partial` (gridDim.y planes of
// M x N), no bias or activation; splitk_sum_bias_act then adds the planes
// up. Unsplit, it writes act(A * B + bias) to C and ignores the last two.
struct sgemm_vec_tiles {
  static constexpr int BM = 128, BN = 128, BK = 8, threads = 256;
  static unsigned blocks(int M, int N) { return unsigned((N + BN - 1) / BN) * unsigned((M + BM - 1) / BM); }
};

// How to split K for a GEMM of `blocks` output tiles on `sms` SMs.
// The split vec kernel resides one block per SM (its __launch_bounds__
// below), so `splits` ranges take ceil(blocks * splits / sms) waves of
// K / splits each: the most ranges that still fit in one wave, each at least
// kMinK long so the loop outweighs the prologue and the partial tile's store;
// unsplit when the tiles already occupy more than half the SMs (no count of
// ranges would then shorten the time). The MLP's 64-wide last layer at batch
// 4096 makes 32 tiles, each half empty, for an H100's 132 SMs: 4 ranges of
// 256, one wave of 128 blocks (gpu/TUNING.md); at batch 16384 its 128 tiles
// stay unsplit. The smaller sgemm_bias_act blocks fit several per SM, so
// for them the plan is cautious; kMinK bounds it anyway. A 1024-wide layer
// at batch 1 makes 16 thin tiles: 8 ranges of 128.
struct splitk_plan {
  int splits = 1;       // gridDim.y
  int k_per_split = 0;  // a multiple of BK; the last range may be shorter
};
inline splitk_plan plan_splitk(unsigned blocks, int sms, int K) {
  constexpr int kMinK = 128, BK = sgemm_vec_tiles::BK;
  splitk_plan p{1, K};
  if (sms <= 0 || blocks == 0 || 2 * blocks > unsigned(sms)) return p;
  const int fit = int(unsigned(sms) / blocks);
  const int splits = fit < K / kMinK ? fit : K / kMinK;
  if (splits < 2) return p;
  p.k_per_split = ((K + splits - 1) / splits + BK - 1) / BK * BK;
  p.splits = (K + p.k_per_split - 1) / p.k_per_split;
  return p;
}

// Which kernel a layer of M rows, N outputs and K inputs runs (gpu/mlp_gpu.cu).
enum class sgemm_kind { thin, vec, wide };
inline sgemm_kind kind_of(int M, int N, int K) {
  if (M <= kThinBatchRows) return sgemm_kind::thin;
  return K % 4 == 0 && N % 4 == 0 ? sgemm_kind::vec : sgemm_kind::wide;
}

// How that layer's K is split on `sms` SMs. The sum pass reads float4s, so
// only rows of a multiple of 4 split; the wide tiles (batches over 64 rows
// with other widths) never do.
inline splitk_plan layer_plan(int M, int N, int K, int sms) {
  switch (kind_of(M, N, K)) {
    case sgemm_kind::thin:
      if (N % 4 == 0) return plan_splitk(sgemm_thin::blocks(M, N), sms, K);
      break;
    case sgemm_kind::vec: return plan_splitk(sgemm_vec_tiles::blocks(M, N), sms, K);
    case sgemm_kind::wide: break;
  }
  return {1, K};
}

// The split-K workspace a network's layers need (floats): the most partial
// planes any one layer writes.
inline size_t splitk_workspace_floats(const std::vector<int>& widths, int batch, int sms) {
  size_t most = 0;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const splitk_plan p = layer_plan(batch, widths[l + 1], widths[l], sms);
    if (p.splits > 1) most = std::max(most, size_t(p.splits) * size_t(batch) * size_t(widths[l + 1]));
  }
  return most;
}

// Split is a template parameter so the unsplit kernel stays what it was:
// 128 registers, 2 blocks per SM. The range's end needs one register more,
// and at 128 the split form spilled 36 bytes on sm_90, so it gets
// __launch_bounds__ of 1 block per SM (130 registers there), which
// plan_splitk assumes.
template <bool Split>
__global__ void __launch_bounds__(sgemm_vec_tiles::threads, Split ? 1 : 2)
    sgemm_bias_act_vec(const float* __restrict__ A, const float* __restrict__ B, const float* __restrict__ bias,
                       float* __restrict__ C, int M, int N, int K, bool relu, int k_per_split,
                       float* __restrict__ partial) {
  constexpr int BM = sgemm_vec_tiles::BM, BN = sgemm_vec_tiles::BN, BK = sgemm_vec_tiles::BK;
  const int k_begin = Split ? int(blockIdx.y) * k_per_split : 0;
  const int k_end = Split && k_begin + k_per_split < K ? k_begin + k_per_split : K;
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
  // A range ends on a k-slice boundary unless it ends at K, so bounds on K
  // are enough; K % 4 == 0, so a float4 of A is all in or all out.
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
  load(k_begin);
  store(0);
  __syncthreads();
  int buf = 0;
  for (int k0 = k_begin; k0 < k_end; k0 += BK) {
    const bool more = k0 + BK < k_end;
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

  float* const out = Split ? partial + size_t(blockIdx.y) * M * N : C;
#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const int row = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
    if (row >= M) continue;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int col = n0 + h * 64 + tx * 4;
      if (col >= N) continue;  // N % 4 == 0: the float4 is all in or all out
      float4 v = make_float4(acc[i][4 * h], acc[i][4 * h + 1], acc[i][4 * h + 2], acc[i][4 * h + 3]);
      if (!Split) {
        const float4 bv = *reinterpret_cast<const float4*>(bias + col);
        v = make_float4(v.x + bv.x, v.y + bv.y, v.z + bv.z, v.w + bv.w);
        if (relu) v = make_float4(fmaxf(v.x, 0.f), fmaxf(v.y, 0.f), fmaxf(v.z, 0.f), fmaxf(v.w, 0.f));
      }
      *reinterpret_cast<float4*>(out + size_t(row) * N + col) = v;
    }
  }
}

// Split-K's second pass: C = act(plane 0 + ... + plane splits-1 + bias), the
// planes of `partial` added in order (the same sum every run). N % 4 == 0.
__global__ void splitk_sum_bias_act(const float* __restrict__ partial, int splits, const float* __restrict__ bias,
                                    float* __restrict__ C, int M, int N, bool relu) {
  const size_t plane = size_t(M) * N, quads = plane / 4;
  for (size_t q = blockIdx.x * size_t(blockDim.x) + threadIdx.x; q < quads; q += size_t(gridDim.x) * blockDim.x) {
    float4 v = reinterpret_cast<const float4*>(partial)[q];
    for (int p = 1; p < splits; ++p) {
      const float4 t = reinterpret_cast<const float4*>(partial + size_t(p) * plane)[q];
      v = make_float4(v.x + t.x, v.y + t.y, v.z + t.z, v.w + t.w);
    }
    const float4 bv = *reinterpret_cast<const float4*>(bias + (q * 4) % size_t(N));
    v = make_float4(v.x + bv.x, v.y + bv.y, v.z + bv.z, v.w + bv.w);
    if (relu) v = make_float4(fmaxf(v.x, 0.f), fmaxf(v.y, 0.f), fmaxf(v.z, 0.f), fmaxf(v.w, 0.f));
    reinterpret_cast<float4*>(C)[q] = v;
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
