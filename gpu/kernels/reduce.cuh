// reduce's own kernels (device code only; reduce.cu launches them, and
// tests/test_kernels_emulated.cpp runs them on the host).
//   sum_one_pass:  the sum of an array in one launch; the last block to
//                  finish adds the blocks' partials in block order
//   row_sums_warp: the sum of every row of a row-major matrix, a warp per row
#pragma once
#include <cstddef>

namespace accel::gpu::kernels {

constexpr unsigned kReduceThreads = 256;

__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block; the result is valid in every thread of warp 0.
__device__ float block_sum(float v) {
  __shared__ float warps[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = warp_sum(v);
  if (lane == 0) warps[warp] = v;
  __syncthreads();
  v = lane < int(blockDim.x / 32) ? warps[lane] : 0.f;
  if (warp == 0) v = warp_sum(v);
  return v;
}

__global__ void __launch_bounds__(kReduceThreads)
    sum_one_pass(const float* __restrict__ x, size_t n, float* __restrict__ partials, unsigned* done, float* out) {
  const size_t stride = size_t(gridDim.x) * blockDim.x;
  const size_t first = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const size_t n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(x);
  float s = 0.f;
  for (size_t i = first; i < n4; i += stride) {
    const float4 v = __ldg(x4 + i);
    s += (v.x + v.y) + (v.z + v.w);
  }
  for (size_t i = 4 * n4 + first; i < n; i += stride) s += x[i];
  s = block_sum(s);
  __shared__ bool last;
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = s;
    __threadfence();  // the partial is visible before the count says so
    last = atomicAdd(done, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  float t = 0.f;
  for (unsigned i = threadIdx.x; i < gridDim.x; i += blockDim.x) t += __ldcg(partials + i);
  t = block_sum(t);
  if (threadIdx.x == 0) {
    *out = t;
    *done = 0;  // ready for the next call
  }
}

// One warp per row; 16-byte loads when every row starts 16-byte aligned.
__global__ void __launch_bounds__(kReduceThreads)
    row_sums_warp(const float* __restrict__ x, size_t rows, size_t cols, float* __restrict__ out) {
  const size_t row = (size_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;  // whole warps leave together
  const float* r = x + row * cols;
  float s = 0.f;
  if (cols % 4 == 0) {
    const float4* r4 = reinterpret_cast<const float4*>(r);
    for (size_t c = lane; c < cols / 4; c += 32) {
      const float4 v = __ldg(r4 + c);
      s += (v.x + v.y) + (v.z + v.w);
    }
  } else {
    for (size_t c = lane; c < cols; c += 32) s += r[c];
  }
  s = warp_sum(s);
  if (lane == 0) out[row] = s;
}

// Blocks of a row_sums_warp launch: a warp per row.
inline unsigned row_sums_blocks(size_t rows) { return unsigned((rows * 32 + kReduceThreads - 1) / kReduceThreads); }

}  // namespace accel::gpu::kernels
