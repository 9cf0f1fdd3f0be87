// elementwise on the GPU, the memory-bound reference:
//   saxpy: out = a * x + y      gelu: out = gelu(x) (tanh form)
//   custom: grid-stride loops over float4 (16-byte loads and stores), the
//           n % 4 tail by scalar threads. Input blob: x, then (saxpy) y from
//           the next multiple of 4 floats, so that y is 16-byte aligned too.
#include "gpu.hpp"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

constexpr unsigned kThreads = 256;

__device__ __forceinline__ float gelu(float v) {
  return 0.5f * v * (1.f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
}

__global__ void __launch_bounds__(kThreads)
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

__global__ void __launch_bounds__(kThreads) gelu_vec4(const float* __restrict__ x, float* __restrict__ out, size_t n) {
  const size_t stride = size_t(gridDim.x) * blockDim.x, first = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const size_t n4 = n / 4;
  for (size_t i = first; i < n4; i += stride) {
    const float4 v = __ldg(reinterpret_cast<const float4*>(x) + i);
    reinterpret_cast<float4*>(out)[i] = make_float4(gelu(v.x), gelu(v.y), gelu(v.z), gelu(v.w));
  }
  for (size_t i = 4 * n4 + first; i < n; i += stride) out[i] = gelu(x[i]);
}

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
    const unsigned blocks = grid_for((n_ + 3) / 4, kThreads, sms_);
    if (saxpy_) {
      saxpy_vec4<<<blocks, launch_threads(kThreads), 0, s>>>(a_, x, x + padded(n_), out_f, n_);
      ACCEL_CUDA_LAUNCHED("saxpy_vec4");
    } else {
      gelu_vec4<<<blocks, launch_threads(kThreads), 0, s>>>(x, out_f, n_);
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
