// cuBLAS: status checks and a handle whose workspace comes from the tracker.
#pragma once
#include <cublas_v2.h>

#include <string>

#include "cuda_util.cuh"

namespace accel::gpu {

#define ACCEL_CUBLAS(call)                                                                                 \
  do {                                                                                                     \
    const cublasStatus_t st_ = (call);                                                                     \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                                                      \
      throw with_context_state(                                                                            \
          gpu_error(std::string(#call) + ": " + cublasGetStatusString(st_),                                \
                    st_ == CUBLAS_STATUS_ALLOC_FAILED ? gpu_error::kind::alloc : gpu_error::kind::other)); \
  } while (0)

// One handle on one stream. Its workspace is ours (cublasSetWorkspace), so the
// memory tracker sees it instead of cuBLAS allocating behind our back;
// 32 MiB is what NVIDIA's cuBLAS docs recommend for Hopper.
class cublas_handle {
 public:
  static constexpr size_t kWorkspaceBytes = size_t(32) << 20;
  explicit cublas_handle(cudaStream_t s) : workspace_(kWorkspaceBytes) {
    ACCEL_CUBLAS(cublasCreate(&h_));
    // Same precision as the CPU: plain fp32, no TF32 tensor-core shortcut.
    cublasSetMathMode(h_, CUBLAS_DEFAULT_MATH);
    cublasSetStream(h_, s);
    const cublasStatus_t st = cublasSetWorkspace(h_, workspace_.get(), workspace_.bytes());
    if (st != CUBLAS_STATUS_SUCCESS) {
      cublasDestroy(h_);
      throw gpu_error(std::string("cublasSetWorkspace: ") + cublasGetStatusString(st));
    }
  }
  ~cublas_handle() { cublasDestroy(h_); }
  cublas_handle(const cublas_handle&) = delete;
  cublas_handle& operator=(const cublas_handle&) = delete;
  cublasHandle_t get() const { return h_; }

 private:
  device_buffer<char> workspace_;
  cublasHandle_t h_{};
};

}  // namespace accel::gpu
