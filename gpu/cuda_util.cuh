// Error checks and RAII owners for CUDA resources. Every device allocation
// goes through the memory tracker (common/memory_tracker.hpp).
#pragma once
#include <cuda_runtime.h>

#include <chrono>
#include <string>
#include <utility>

#include "device_run.hpp"
#include "memory_tracker.hpp"

namespace accel::gpu {

// Clears the "last error" of a non-sticky failure, so that the next request
// starts clean, and marks `e` when the CUDA context is lost: a sticky error
// cannot be cleared and is still there to peek at.
inline gpu_error with_context_state(gpu_error e) {
  cudaGetLastError();
  e.context_lost = cudaPeekAtLastError() != cudaSuccess;
  return e;
}

[[noreturn]] inline void throw_cuda(cudaError_t e, const char* what, const char* file, int line,
                                    gpu_error::kind k = gpu_error::kind::other) {
  if (e == cudaErrorMemoryAllocation) k = gpu_error::kind::alloc;
  throw with_context_state(
      gpu_error(std::string(what) + ": " + cudaGetErrorString(e) + " (" + file + ":" + std::to_string(line) + ")", k));
}

#define ACCEL_CUDA(call)                                                      \
  do {                                                                        \
    const cudaError_t accel_err_ = (call);                                    \
    if (accel_err_ != cudaSuccess) throw_cuda(accel_err_, #call, __FILE__, __LINE__); \
  } while (0)

// After a launch: configuration errors show at once, execution errors at the next sync.
#define ACCEL_CUDA_LAUNCHED(name)                                                             \
  do {                                                                                        \
    const cudaError_t accel_err_ = cudaGetLastError();                                        \
    if (accel_err_ != cudaSuccess)                                                            \
      throw_cuda(accel_err_, "launch of " name, __FILE__, __LINE__, gpu_error::kind::launch); \
  } while (0)

// The injected fault (gpu.hpp: set_fault), read by the wrappers below.
int injected_fault();  // 0 none, 1 alloc, 2 launch, 3 sync

// Synchronises a stream; the one place an injected "sync" fault surfaces.
inline void sync_stream(cudaStream_t s, const char* file, int line) {
  const cudaError_t e = cudaStreamSynchronize(s);
  if (e != cudaSuccess) throw_cuda(e, "cudaStreamSynchronize", file, line, gpu_error::kind::sync);
  if (injected_fault() == 3)
    throw gpu_error("injected fault: execution error reported at synchronisation", gpu_error::kind::sync);
}
#define ACCEL_SYNC(stream) sync_stream((stream), __FILE__, __LINE__)

template <typename T>
class device_buffer {
 public:
  device_buffer() = default;
  explicit device_buffer(size_t count) : bytes_(count * sizeof(T)) {
    if (bytes_ == 0) return;
    if (injected_fault() == 1) {
      bytes_ = 0;
      throw gpu_error("injected fault: device allocation refused", gpu_error::kind::alloc);
    }
    if (!device_memory().try_reserve(bytes_)) {
      const size_t b = bytes_;
      bytes_ = 0;
      throw gpu_error("device allocation of " + std::to_string(b) + " bytes refused: over the device memory limit",
                      gpu_error::kind::alloc);
    }
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes_);
    if (e != cudaSuccess) {
      device_memory().release(bytes_);
      bytes_ = 0;
      throw_cuda(e, "cudaMalloc", __FILE__, __LINE__, gpu_error::kind::alloc);
    }
    ptr_ = static_cast<T*>(p);
  }
  ~device_buffer() { reset(); }
  device_buffer(device_buffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  device_buffer& operator=(device_buffer&& o) noexcept {
    if (this != &o) {
      reset();
      ptr_ = std::exchange(o.ptr_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  T* get() const { return ptr_; }
  size_t bytes() const { return bytes_; }

 private:
  void reset() {
    if (ptr_) {
      cudaFree(ptr_);
      device_memory().release(bytes_);
    }
    ptr_ = nullptr;
    bytes_ = 0;
  }
  T* ptr_ = nullptr;
  size_t bytes_ = 0;
};

// Page-locked host memory: the only kind the DMA engines copy at full speed,
// and what end-to-end timings use.
template <typename T>
class pinned_buffer {
 public:
  pinned_buffer() = default;
  explicit pinned_buffer(size_t count) : count_(count) {
    if (count == 0) return;
    void* p = nullptr;
    ACCEL_CUDA(cudaMallocHost(&p, count * sizeof(T)));
    ptr_ = static_cast<T*>(p);
  }
  ~pinned_buffer() {
    if (ptr_) cudaFreeHost(ptr_);
  }
  pinned_buffer(const pinned_buffer&) = delete;
  pinned_buffer& operator=(const pinned_buffer&) = delete;
  T* get() const { return ptr_; }
  size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  size_t count_ = 0;
};

class stream {
 public:
  stream() { ACCEL_CUDA(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~stream() { cudaStreamDestroy(s_); }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_{};
};

// Streaming multiprocessors of the current device.
inline int current_sm_count() {
  int dev = 0, sms = 0;
  ACCEL_CUDA(cudaGetDevice(&dev));
  ACCEL_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
  return sms;
}

// Two events around work on one stream; elapsed time in ns.
class event_timer {
 public:
  event_timer() {
    ACCEL_CUDA(cudaEventCreate(&start_));
    const cudaError_t e = cudaEventCreate(&stop_);
    if (e != cudaSuccess) {
      cudaEventDestroy(start_);
      throw_cuda(e, "cudaEventCreate", __FILE__, __LINE__);
    }
  }
  ~event_timer() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  event_timer(const event_timer&) = delete;
  event_timer& operator=(const event_timer&) = delete;
  void start(cudaStream_t s) { ACCEL_CUDA(cudaEventRecord(start_, s)); }
  double stop_ns(cudaStream_t s) {
    ACCEL_CUDA(cudaEventRecord(stop_, s));
    const cudaError_t e = cudaEventSynchronize(stop_);
    if (e != cudaSuccess) throw_cuda(e, "cudaEventSynchronize", __FILE__, __LINE__, gpu_error::kind::sync);
    if (injected_fault() == 3)
      throw gpu_error("injected fault: execution error reported at synchronisation", gpu_error::kind::sync);
    float ms = 0;
    ACCEL_CUDA(cudaEventElapsedTime(&ms, start_, stop_));
    return double(ms) * 1e6;
  }

 private:
  cudaEvent_t start_{}, stop_{};
};

}  // namespace accel::gpu

namespace accel::gpu {
// Launch configuration for the kernels: normally `threads`; under an injected
// "launch" fault, more threads than any GPU allows, so the runtime itself
// rejects the launch (cudaErrorInvalidConfiguration, not sticky).
inline unsigned launch_threads(unsigned threads) { return injected_fault() == 2 ? 4096u : threads; }

// Library calls (cuBLAS, Thrust, CUB) launch kernels whose configuration is
// not ours: under an injected "launch" fault, a variant that launches none of
// our kernels refuses its library call just before it (simulated, as the
// "sync" fault is). Variants with a kernel of ours (the MLP's cuBLAS variant:
// bias_act) fail at that launch, a real runtime error.
inline void library_launch(const char* name) {
  if (injected_fault() == 2)
    throw gpu_error(std::string("injected fault: launch of ") + name + " refused", gpu_error::kind::launch);
}
}  // namespace accel::gpu
