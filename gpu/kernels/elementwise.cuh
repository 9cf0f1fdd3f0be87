// elementwise's own kernels (device code only; elementwise.cu launches them,
// and tests/test_kernels_emulated.cpp runs them on the host): grid-stride
// loops over float4 (16-byte loads and stores; x, y and out 16-byte aligned),
// the n % 4 tail by scalar threads.
#pragma once
#include <cstddef>

namespace accel::gpu::kernels {

constexpr unsigned kElementwiseThreads = 256;

__device__ __forceinline__ float gelu(float v) {
  return 0.5f * v * (1.f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
}

__global__ void __launch_bounds__(kElementwiseThreads)
    saxpy_vec4(float a, const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ out, size_t n) {
  const size_t stride = size_t(gridDim.x) * blockDim.x, first = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const size_t n4 = n / 4;
  for (size_t i = first; i < n4; i += stride) {
    const float4 xv = __ldg(reinterpret_cast<const float4*>(x) + i), yv = __ldg(reinterpret_cast<const float4*>(y) + i);
    reinterpret_cast<float4*>(out)[i] = make_float4(fmaf(a, xv.x, yv.x), fmaf(a, xv.y, yv.y), fmaf(a, xv.z, yv.z),
                                                    fmaf(a, xv.w, yv.w));
  }
  for (size_t i = 4 * n4 + first; i < n; i += stride) out[i] = fmaf(a, x[i], y[i]);
}

__global__ void __launch_bounds__(kElementwiseThreads)
    gelu_vec4(const float* __restrict__ x, float* __restrict__ out, size_t n) {
  const size_t stride = size_t(gridDim.x) * blockDim.x, first = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const size_t n4 = n / 4;
  for (size_t i = first; i < n4; i += stride) {
    const float4 v = __ldg(reinterpret_cast<const float4*>(x) + i);
    reinterpret_cast<float4*>(out)[i] = make_float4(gelu(v.x), gelu(v.y), gelu(v.z), gelu(v.w));
  }
  for (size_t i = 4 * n4 + first; i < n; i += stride) out[i] = gelu(x[i]);
}

}  // namespace accel::gpu::kernels
