// batched_gemm's own kernels (device code only; batched_gemm.cu launches them,
// and tests/test_kernels_emulated.cpp runs them on the host): C_i = A_i * B_i
// for many n x n column-major matrices, n in {16, 32, 64, 128}.
#pragma once
#include <cstdint>

namespace accel::gpu::kernels {

constexpr int kGemmBatchedThreads = 256;  // a 16 x 16 thread grid

// Output tile edge: the whole matrix up to 64, else 64.
constexpr int gemm_batched_tile(int n) { return n < 64 ? n : 64; }

// gemm_batched_tiles serves n = 16 and 32; gemm_batched_tiles_vec n >= 64.

// One block per (matrix, output tile), on x: block tiles * m + t makes tile t
// of matrix m. A matrix's tiles are neighbours in launch order, so they run at
// the same time and the second read of each strip of A and B comes from L2.
// (n = 128 has 4 tiles. With the matrix on x and the tile on y, every
// matrix's first tile ran before any second one: inputs of 128 MB and more
// then came from DRAM twice, and on an H100 the kernel moved bytes at the
// rate the n = 64 one did, 2.2 TB/s; gpu/TUNING.md.)
template <int N>
constexpr int gemm_batched_tiles_per_matrix() {
  constexpr int per_edge = N / gemm_batched_tile(N);
  return per_edge * per_edge;
}
template <int N>
dim3 gemm_batched_grid(int64_t batch) {
  return dim3(unsigned(batch * gemm_batched_tiles_per_matrix<N>()));
}

// Thread (tx, ty) of a 16x16 block owns rows tx + 16i and columns ty + 16j of
// the tile: consecutive threads touch consecutive rows, so the loads of A,
// the reads of As and the stores of C are all unit-stride (column-major).
template <int N>
__global__ void __launch_bounds__(kGemmBatchedThreads)
    gemm_batched_tiles(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  static_assert(N < 64, "n >= 64: gemm_batched_tiles_vec");
  constexpr int T = gemm_batched_tile(N);  // output tile edge
  constexpr int BK = 16;                   // k-slice staged per step
  constexpr int R = T / 16;                // register tile edge per thread
  constexpr int TILES = N / T, PER_MATRIX = gemm_batched_tiles_per_matrix<N>();
  __shared__ float As[BK][T];      // As[k][row]
  __shared__ float Bs[BK][T + 1];  // Bs[k][col], padded: the loads write down a column
  const size_t mat = blockIdx.x / PER_MATRIX;
  const int tile = int(blockIdx.x % PER_MATRIX), row0 = (tile % TILES) * T, col0 = (tile / TILES) * T;
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

// The same product for n >= 64 (64 x 64 output tiles) with 16-byte accesses.
// On an H100 gemm_batched_tiles ran at 49-70 % of cuBLAS there: per k its
// threads read shared memory 8 times (scalar) for 16 FMAs, which the
// shared-memory pipe cannot feed. Here thread (tx, ty) owns the 4 x 4 block
// at rows 4tx, columns 4ty of the tile: per k one float4 of A (16 distinct
// in a warp) and one of B (2 distinct, broadcast), 3 shared-memory
// wavefronts per warp for 16 FMAs instead of 8; A is loaded and staged as
// float4s, B loaded as float4s down its columns; C is stored as float4s.
template <int N>
__global__ void __launch_bounds__(kGemmBatchedThreads)
    gemm_batched_tiles_vec(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  constexpr int T = gemm_batched_tile(N), BK = 16, TILES = N / T;  // the tiles gemm_batched_grid launches
  constexpr int PER_MATRIX = gemm_batched_tiles_per_matrix<N>();
  static_assert(T == 64 && N % T == 0, "64 x 64 tiles");
  __shared__ __align__(16) float As[BK][T];      // As[k][row]
  __shared__ __align__(16) float Bs[BK][T + 4];  // Bs[k][col], padded: the loads write down a column
  const size_t mat = blockIdx.x / PER_MATRIX;
  const int tile = int(blockIdx.x % PER_MATRIX), row0 = (tile % TILES) * T, col0 = (tile / TILES) * T;
  const float* a = A + mat * N * N;
  const float* b = B + mat * N * N;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  // This thread's loads: A(row0 + 4 (tid % 16) .. +3, k0 + tid / 16) and
  // B(k0 + 4 (tid % 4) .. +3, col0 + tid / 4), each one float4 of a column.
  const int a_r = 4 * (tid % 16), a_k = tid / 16, b_k = 4 * (tid % 4), b_c = tid / 4;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < N; k0 += BK) {
    *reinterpret_cast<float4*>(&As[a_k][a_r]) =
        *reinterpret_cast<const float4*>(a + size_t(k0 + a_k) * N + row0 + a_r);
    const float4 bv = *reinterpret_cast<const float4*>(b + size_t(col0 + b_c) * N + k0 + b_k);
    Bs[b_k][b_c] = bv.x;
    Bs[b_k + 1][b_c] = bv.y;
    Bs[b_k + 2][b_c] = bv.z;
    Bs[b_k + 3][b_c] = bv.w;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      const float4 av = *reinterpret_cast<const float4*>(&As[k][4 * tx]);
      const float4 bq = *reinterpret_cast<const float4*>(&Bs[k][4 * ty]);
      const float ar[4] = {av.x, av.y, av.z, av.w}, br[4] = {bq.x, bq.y, bq.z, bq.w};
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);
    }
    __syncthreads();
  }
  float* c = C + mat * N * N;
#pragma unroll
  for (int j = 0; j < 4; ++j)
    *reinterpret_cast<float4*>(c + size_t(col0 + 4 * ty + j) * N + row0 + 4 * tx) =
        make_float4(acc[0][j], acc[1][j], acc[2][j], acc[3][j]);
}

}  // namespace accel::gpu::kernels
