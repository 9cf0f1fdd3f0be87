// --cache cold on the GPU: the L2 evicted before each timed call.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <memory>

namespace accel::gpu {

// Reads x[0, n4) (float4s) and nothing else, on `s`; `sink` (one float) is
// written only when the sum is a value it never takes, which keeps the loads.
void read_stream_async(const float4* x, size_t n4, float* sink, unsigned blocks, unsigned threads, cudaStream_t s);

// A buffer of twice the current device's L2 and a read of all of it. The
// buffer is the harness's, not the workload's: untracked (the report's device
// peak leaves it out) and taken after the case's memory was measured. Reads
// only: the L2 fills with clean lines, so the timed call writes nothing back
// on their behalf. Throws gpu_error.
class l2_eviction {
 public:
  // Fills the buffer on `s` and waits for it.
  explicit l2_eviction(cudaStream_t s);
  ~l2_eviction();
  l2_eviction(const l2_eviction&) = delete;
  l2_eviction& operator=(const l2_eviction&) = delete;
  // Enqueues the read on `s`. A start event recorded after it waits for it,
  // and meanwhile the host enqueues the timed call's kernels: neither the
  // eviction nor (mostly) those launches are in the timed span.
  void enqueue(cudaStream_t s);

 private:
  void* buffer_ = nullptr;
  size_t bytes_ = 0;  // twice the L2, a multiple of 16
  unsigned blocks_ = 0;
};

// A device run's --cache cold state (device_run::set_cold).
class cold_caches {
 public:
  void set(bool cold, cudaStream_t s) { eviction_ = cold ? std::make_unique<l2_eviction>(s) : nullptr; }
  // Before a timing of `iterations` calls on `s`.
  void before_timing(int iterations, cudaStream_t s);

 private:
  std::unique_ptr<l2_eviction> eviction_;
};

}  // namespace accel::gpu
