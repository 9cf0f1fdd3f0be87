#include "cache_evict.cuh"

#include "cuda_util.cuh"

namespace accel::gpu {
namespace {

// Four loads in flight per thread before their sums are needed, so enough
// bytes are in flight to cover the memory latency at one wave of resident threads.
__global__ void __launch_bounds__(256) read_stream(const float4* x, size_t n, float* out) {
  const size_t stride = size_t(gridDim.x) * blockDim.x;
  size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  float s = 0.f;
  for (; i + 3 * stride < n; i += 4 * stride) {
    float4 v[4];
#pragma unroll
    for (int j = 0; j < 4; ++j) v[j] = x[i + j * stride];
#pragma unroll
    for (int j = 0; j < 4; ++j) s += (v[j].x + v[j].y) + (v[j].z + v[j].w);
  }
  for (; i < n; i += stride) s += (x[i].x + x[i].y) + (x[i].z + x[i].w);
  if (s == 12345.678f) out[0] = s;  // never true in practice; keeps the loads alive
}

}  // namespace

void read_stream_async(const float4* x, size_t n4, float* sink, unsigned blocks, unsigned threads, cudaStream_t s) {
  read_stream<<<blocks, threads, 0, s>>>(x, n4, sink);
  ACCEL_CUDA_LAUNCHED("read_stream");
}

l2_eviction::l2_eviction(cudaStream_t s) {
  int dev = 0, l2 = 0;
  ACCEL_CUDA(cudaGetDevice(&dev));
  ACCEL_CUDA(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev));
  bytes_ = (2 * size_t(l2 > 0 ? l2 : 1 << 20) + 15) / 16 * 16;
  blocks_ = unsigned(current_sm_count()) * 8;
  // The buffer, then one float for the sink.
  const cudaError_t e = cudaMalloc(&buffer_, bytes_ + 16);
  if (e != cudaSuccess) {
    buffer_ = nullptr;
    throw_cuda(e, "cudaMalloc of the L2 eviction buffer", __FILE__, __LINE__, gpu_error::kind::alloc);
  }
  // Not zeros: every byte 0x3f, each float 0.747.
  cudaError_t m = cudaMemsetAsync(buffer_, 0x3f, bytes_ + 16, s);
  if (m == cudaSuccess) m = cudaStreamSynchronize(s);
  if (m != cudaSuccess) {
    cudaFree(buffer_);
    buffer_ = nullptr;
    throw_cuda(m, "filling the L2 eviction buffer", __FILE__, __LINE__);
  }
}

l2_eviction::~l2_eviction() {
  if (buffer_) cudaFree(buffer_);
}

void l2_eviction::enqueue(cudaStream_t s) {
  auto* base = static_cast<std::byte*>(buffer_);
  read_stream_async(reinterpret_cast<const float4*>(base), bytes_ / 16, reinterpret_cast<float*>(base + bytes_),
                    blocks_, 256, s);
}

void cold_caches::before_timing(int iterations, cudaStream_t s) {
  if (!eviction_) return;
  if (iterations != 1)
    throw gpu_error("a cold timing takes one call, not " + std::to_string(iterations) + " (an eviction before each)");
  eviction_->enqueue(s);
}

}  // namespace accel::gpu
