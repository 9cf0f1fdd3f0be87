// This GPU's ceilings, measured: device-to-device copy and read-only
// bandwidth, fp32 FMA rate, and host<->device bandwidth over pinned memory.
// Timed with events.
#include "cache_evict.cuh"
#include "gpu.hpp"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

constexpr int kChains = 8;  // independent FMA chains per thread: covers the FMA pipeline latency

__global__ void __launch_bounds__(256) fma_chains(float* out, int iterations, float m, float a) {
  float v[kChains];
#pragma unroll
  for (int j = 0; j < kChains; ++j) v[j] = 1.f + 1e-3f * float(threadIdx.x + j);
  for (int it = 0; it < iterations; ++it)
#pragma unroll
    for (int j = 0; j < kChains; ++j) v[j] = fmaf(v[j], m, a);
  float s = 0.f;
#pragma unroll
  for (int j = 0; j < kChains; ++j) s += v[j];
  if (s == 12345.678f) out[0] = s;  // never true in practice; keeps the work alive
}

// Best of `reps` timings of `work` on `s`, in seconds.
template <typename Work>
double best_seconds(cudaStream_t s, int reps, Work work) {
  event_timer t;
  work();  // warm-up
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    t.start(s);
    work();
    best = std::min(best, t.stop_ns(s) * 1e-9);
  }
  return best;
}

}  // namespace

gpu_peaks measure_gpu_peaks(int device) {
  ACCEL_CUDA(cudaSetDevice(device));
  gpu_peaks p;
  stream st;
  const cudaStream_t s = st.get();
  const size_t bytes = size_t(512) << 20;
  {
    device_buffer<char> a(bytes), b(bytes);
    // Not zeros (never time on zeros): every byte 0x3f, so each float reads 0.747.
    ACCEL_CUDA(cudaMemsetAsync(a.get(), 0x3f, bytes, s));
    const double t = best_seconds(s, 10, [&] {
      ACCEL_CUDA(cudaMemcpyAsync(b.get(), a.get(), bytes, cudaMemcpyDeviceToDevice, s));
    });
    p.d2d_gb_per_s = 2.0 * double(bytes) / t / 1e9;  // each byte read once and written once
    // Reads only: what a reduction can reach, which the copy's mix of reads
    // and writes may not.
    device_buffer<float> out(1);
    const unsigned blocks = unsigned(current_sm_count()) * 8;
    const double r = best_seconds(s, 10, [&] {
      read_stream_async(reinterpret_cast<const float4*>(a.get()), bytes / 16, out.get(), blocks, launch_threads(256),
                        s);
    });
    p.read_gb_per_s = double(bytes) / r / 1e9;
  }
  {
    const size_t host_bytes = size_t(256) << 20;
    device_buffer<char> d(host_bytes);
    pinned_buffer<char> h(host_bytes);
    p.h2d_gb_per_s = double(host_bytes) / best_seconds(s, 5, [&] {
                       ACCEL_CUDA(cudaMemcpyAsync(d.get(), h.get(), host_bytes, cudaMemcpyHostToDevice, s));
                     }) / 1e9;
    p.d2h_gb_per_s = double(host_bytes) / best_seconds(s, 5, [&] {
                       ACCEL_CUDA(cudaMemcpyAsync(h.get(), d.get(), host_bytes, cudaMemcpyDeviceToHost, s));
                     }) / 1e9;
  }
  {
    device_buffer<float> out(1);
    const int sms = current_sm_count(), iterations = 4096;
    const unsigned blocks = unsigned(sms) * 8;
    const double t = best_seconds(s, 5, [&] {
      fma_chains<<<blocks, launch_threads(256), 0, s>>>(out.get(), iterations, 0.999999f, 1e-7f);
      ACCEL_CUDA_LAUNCHED("fma_chains");
    });
    p.fma_gflops = 2.0 * kChains * double(iterations) * blocks * 256 / t / 1e9;
  }
  return p;
}

}  // namespace accel::gpu
