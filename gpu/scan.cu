// scan on the GPU: inclusive prefix sum of int32 or fp32.
//   thrust: thrust::inclusive_scan on the run's stream, temporary storage
//           through the tracker (thrust_alloc.cuh).
#include <thrust/execution_policy.h>
#include <thrust/scan.h>

#include "gpu.hpp"
#include "staged_run.cuh"
#include "thrust_alloc.cuh"

namespace accel::gpu {
namespace {

template <typename T>
class scan_run final : public staged_run {
 public:
  scan_run(const T* x, size_t n) : staged_run(x, n * sizeof(T), n * sizeof(T)), n_(n) {}

 private:
  void compute(cudaStream_t s) override {
    const auto* x = reinterpret_cast<const T*>(in());
    auto* y = reinterpret_cast<T*>(out());
    library_launch("thrust::inclusive_scan");
    ACCEL_THRUST(thrust::inclusive_scan(thrust::cuda::par_nosync(alloc_).on(s), x, x + n_, y));
    ACCEL_CUDA_LAUNCHED("thrust::inclusive_scan");
  }
  size_t n_;
  thrust_allocator alloc_;
};

}  // namespace

const std::vector<std::string>& scan_variants() {
  static const std::vector<std::string> v{"thrust"};
  return v;
}

std::unique_ptr<device_run> make_scan_run(const std::string& variant, int device, bool fp32, const void* x, size_t n) {
  if (variant != "thrust") throw gpu_error("unknown scan variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  if (fp32) return std::make_unique<scan_run<float>>(static_cast<const float*>(x), n);
  return std::make_unique<scan_run<int32_t>>(static_cast<const int32_t*>(x), n);
}

}  // namespace accel::gpu
