// The common shape of the batched workloads' GPU runs: one input blob copied
// host->device, kernels on one stream, one output blob copied back. A
// workload only writes compute(); staging, timing and sync live here.
#pragma once
#include <cstddef>
#include <cstring>

#include "cache_evict.cuh"
#include "cuda_util.cuh"

namespace accel::gpu {

class staged_run : public device_run {
 public:
  void run_once() override {
    copy_in();
    compute(stream_.get());
    copy_out();
    ACCEL_SYNC(stream_.get());
  }
  void set_input(const void* host) override { std::memcpy(host_in_.get(), host, host_in_.size()); }
  const void* output() const override { return host_out_.get(); }
  size_t output_bytes() const override { return host_out_.size(); }

  double time_kernel_ns(int iterations) override {
    cold_.before_timing(iterations, stream_.get());
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) compute(stream_.get());
    return timer_.stop_ns(stream_.get());
  }
  double time_end_to_end_ns(int iterations) override {
    cold_.before_timing(iterations, stream_.get());
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) {
      copy_in();
      compute(stream_.get());
      copy_out();
    }
    return timer_.stop_ns(stream_.get());
  }
  void set_cold(bool cold) override { cold_.set(cold, stream_.get()); }

 protected:
  // Copies the input to the device now (pinned staging; pageable `input` is read once).
  staged_run(const void* input, size_t in_bytes, size_t out_bytes)
      : in_(in_bytes), out_(out_bytes), host_in_(in_bytes), host_out_(out_bytes) {
    std::memcpy(host_in_.get(), input, in_bytes);
    copy_in();
    // Poisoned (0xff bytes, NaN as fp32): an element the first run leaves
    // unwritten fails its verification instead of passing on what the memory held.
    ACCEL_CUDA(cudaMemsetAsync(out_.get(), 0xff, out_.bytes(), stream_.get()));
    ACCEL_SYNC(stream_.get());
  }
  // Reads in(), writes out(); everything on `s`, nothing synchronous.
  virtual void compute(cudaStream_t s) = 0;

  const std::byte* in() const { return in_.get(); }
  std::byte* out() const { return out_.get(); }
  cudaStream_t stream_handle() const { return stream_.get(); }

 private:
  void copy_in() {
    ACCEL_CUDA(cudaMemcpyAsync(in_.get(), host_in_.get(), in_.bytes(), cudaMemcpyHostToDevice, stream_.get()));
  }
  void copy_out() {
    ACCEL_CUDA(cudaMemcpyAsync(host_out_.get(), out_.get(), out_.bytes(), cudaMemcpyDeviceToHost, stream_.get()));
  }

  stream stream_;
  event_timer timer_;
  cold_caches cold_;
  device_buffer<std::byte> in_, out_;
  pinned_buffer<std::byte> host_in_, host_out_;
};

// Grid for a grid-stride loop over `work` items: enough blocks to fill every
// SM several times over, never more than the work needs.
inline unsigned grid_for(size_t work, unsigned threads, int sms) {
  const size_t needed = (work + threads - 1) / threads;
  const size_t cap = size_t(sms) * 8;
  return unsigned(needed < 1 ? 1 : needed < cap ? needed : cap);
}

}  // namespace accel::gpu
