// elementwise on the GPU, the memory-bound reference:
//   saxpy: out = a * x + y      gelu: out = gelu(x) (tanh form)
//   custom: grid-stride loops over float4 (16-byte loads and stores), the
//           n % 4 tail by scalar threads. Input blob: x, then (saxpy) y from
//           the next multiple of 4 floats, so that y is 16-byte aligned too.
//           Kernels in kernels/elementwise.cuh.
#include "gpu.hpp"
#include "kernels/elementwise.cuh"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

class elementwise_run final : public staged_run {
 public:
  elementwise_run(bool saxpy, float a, const float* x, const float* y, size_t n)
      : staged_run(pack(saxpy, x, y, n).data(), (saxpy ? padded(n) + n : n) * sizeof(float), n * sizeof(float)),
        saxpy_(saxpy), a_(a), n_(n), sms_(current_sm_count()) {}

 private:
  static size_t padded(size_t n) { return (n + 3) / 4 * 4; }
  static std::vector<float> pack(bool saxpy, const float* x, const float* y, size_t n) {
    std::vector<float> v(x, x + n);
    if (saxpy) {
      v.resize(padded(n), 0.f);
      v.insert(v.end(), y, y + n);
    }
    return v;
  }
  void compute(cudaStream_t s) override {
    const auto* x = reinterpret_cast<const float*>(in());
    auto* out_f = reinterpret_cast<float*>(out());
    const unsigned blocks = grid_for((n_ + 3) / 4, kernels::kElementwiseThreads, sms_);
    if (saxpy_) {
      kernels::saxpy_vec4<<<blocks, launch_threads(kernels::kElementwiseThreads), 0, s>>>(a_, x, x + padded(n_), out_f,
                                                                                          n_);
      ACCEL_CUDA_LAUNCHED("saxpy_vec4");
    } else {
      kernels::gelu_vec4<<<blocks, launch_threads(kernels::kElementwiseThreads), 0, s>>>(x, out_f, n_);
      ACCEL_CUDA_LAUNCHED("gelu_vec4");
    }
  }
  bool saxpy_;
  float a_;
  size_t n_;
  int sms_;
};

}  // namespace

const std::vector<std::string>& elementwise_variants() {
  static const std::vector<std::string> v{"custom"};
  return v;
}

std::unique_ptr<device_run> make_elementwise_run(const std::string& variant, int device, bool saxpy, float a,
                                                 const float* x, const float* y, size_t n) {
  if (variant != "custom") throw gpu_error("unknown elementwise variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<elementwise_run>(saxpy, a, x, y, n);
}

}  // namespace accel::gpu
