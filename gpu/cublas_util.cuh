// cuBLAS: loaded on first use (cublas_loader.cpp), status checks, and a
// handle whose workspace comes from the tracker.
#pragma once
#include <cublas_v2.h>

#include <string>

#include "cuda_util.cuh"

namespace accel::gpu {

// The cuBLAS calls we make, from the library loaded at the first call of
// cublas(), which throws gpu_error saying why when it cannot be loaded.
struct cublas_api {
  decltype(&::cublasCreate_v2) create = nullptr;
  decltype(&::cublasDestroy_v2) destroy = nullptr;
  decltype(&::cublasSetMathMode) set_math_mode = nullptr;
  decltype(&::cublasSetStream_v2) set_stream = nullptr;
  decltype(&::cublasSetWorkspace_v2) set_workspace = nullptr;
  decltype(&::cublasGetStatusString) status_string = nullptr;
  decltype(&::cublasSgemm_v2) sgemm = nullptr;
  decltype(&::cublasSgemmStridedBatched) sgemm_strided_batched = nullptr;
  std::string path;  // the file it came from
};
const cublas_api& cublas();

#define ACCEL_CUBLAS(call)                                                                                 \
  do {                                                                                                     \
    const cublasStatus_t st_ = (call);                                                                     \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                                                      \
      throw with_context_state(                                                                            \
          gpu_error(std::string(#call) + ": " + cublas().status_string(st_),                               \
                    st_ == CUBLAS_STATUS_ALLOC_FAILED ? gpu_error::kind::alloc : gpu_error::kind::other)); \
  } while (0)

// One handle on one stream. Its workspace is ours (cublasSetWorkspace), so the
// memory tracker sees it instead of cuBLAS allocating behind our back;
// 32 MiB is what NVIDIA's cuBLAS docs recommend for Hopper.
class cublas_handle {
 public:
  static constexpr size_t kWorkspaceBytes = size_t(32) << 20;
  explicit cublas_handle(cudaStream_t s) : workspace_(kWorkspaceBytes) {
    ACCEL_CUBLAS(cublas().create(&h_));
    // Same precision as the CPU: plain fp32, no TF32 tensor-core shortcut.
    cublas().set_math_mode(h_, CUBLAS_DEFAULT_MATH);
    cublas().set_stream(h_, s);
    const cublasStatus_t st = cublas().set_workspace(h_, workspace_.get(), workspace_.bytes());
    if (st != CUBLAS_STATUS_SUCCESS) {
      cublas().destroy(h_);
      throw gpu_error(std::string("cublasSetWorkspace: ") + cublas().status_string(st));
    }
  }
  ~cublas_handle() { cublas().destroy(h_); }
  cublas_handle(const cublas_handle&) = delete;
  cublas_handle& operator=(const cublas_handle&) = delete;
  cublasHandle_t get() const { return h_; }

 private:
  device_buffer<char> workspace_;
  cublasHandle_t h_{};
};

}  // namespace accel::gpu
