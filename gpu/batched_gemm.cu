// batched_gemm on the GPU: many independent n x n products C_i = A_i * B_i,
// column-major, matrices back to back (A blob then B blob in the input).
//   custom: one block of 256 threads per (matrix, 64x64 output tile); the
//           k-loop stages 16-wide slices of A and B in shared memory, each
//           thread keeps a (T/16)x(T/16) register tile of C; for n >= 64 the
//           form with 16-byte loads and shared-memory reads
//           (kernels/batched_gemm.cuh).
//   cublas: cublasSgemmStridedBatched (plain fp32, no TF32).
#include "cublas_util.cuh"
#include "gpu.hpp"
#include "kernels/batched_gemm.cuh"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

// cudaMalloc'd buffers, matrices back to back: with n a multiple of 4 every
// column starts 16-byte aligned, as the n >= 64 kernel's float4s need.
template <int N>
void launch_tiles(const float* a, const float* b, float* c, int64_t batch, cudaStream_t s) {
  const dim3 grid = kernels::gemm_batched_grid<N>(batch), block = launch_threads(kernels::kGemmBatchedThreads);
  if constexpr (N >= 64) {
    kernels::gemm_batched_tiles_vec<N><<<grid, block, 0, s>>>(a, b, c);
    ACCEL_CUDA_LAUNCHED("gemm_batched_tiles_vec");
  } else {
    kernels::gemm_batched_tiles<N><<<grid, block, 0, s>>>(a, b, c);
    ACCEL_CUDA_LAUNCHED("gemm_batched_tiles");
  }
}

class batched_gemm_run final : public staged_run {
 public:
  batched_gemm_run(bool use_cublas, int n, int64_t batch, const float* a, const float* b)
      : staged_run(pack(a, b, size_t(n) * n * batch).data(), 2 * bytes(n, batch), bytes(n, batch)), n_(n), batch_(batch) {
    if (use_cublas) cublas_ = std::make_unique<cublas_handle>(stream_handle());
  }

 private:
  static size_t bytes(int n, int64_t batch) { return size_t(n) * n * size_t(batch) * sizeof(float); }
  static std::vector<float> pack(const float* a, const float* b, size_t count) {
    std::vector<float> v(2 * count);
    std::copy(a, a + count, v.begin());
    std::copy(b, b + count, v.begin() + count);
    return v;
  }
  void compute(cudaStream_t s) override {
    const auto* a = reinterpret_cast<const float*>(in());
    const float* b = a + size_t(n_) * n_ * batch_;
    auto* c = reinterpret_cast<float*>(out());
    if (cublas_) {
      const float one = 1.f, zero = 0.f;
      const long long stride = (long long)n_ * n_;
      library_launch("cublasSgemmStridedBatched");
      ACCEL_CUBLAS(cublas().sgemm_strided_batched(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n_, n_, n_, &one, a, n_,
                                                  stride, b, n_, stride, &zero, c, n_, stride, int(batch_)));
      return;
    }
    switch (n_) {
      case 16: return launch_tiles<16>(a, b, c, batch_, s);
      case 32: return launch_tiles<32>(a, b, c, batch_, s);
      case 64: return launch_tiles<64>(a, b, c, batch_, s);
      case 128: return launch_tiles<128>(a, b, c, batch_, s);
      default: throw gpu_error("batched_gemm custom: n must be 16, 32, 64 or 128");
    }
  }

  int n_;
  int64_t batch_;
  std::unique_ptr<cublas_handle> cublas_;
};

}  // namespace

const std::vector<std::string>& batched_gemm_variants() {
  static const std::vector<std::string> v{"custom", "cublas"};
  return v;
}

std::unique_ptr<device_run> make_batched_gemm_run(const std::string& variant, int device, int n, int64_t batch,
                                                  const float* a, const float* b) {
  if (variant != "custom" && variant != "cublas") throw gpu_error("unknown batched_gemm variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<batched_gemm_run>(variant == "cublas", n, batch, a, b);
}

}  // namespace accel::gpu
