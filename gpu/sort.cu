// sort on the GPU: 32-bit unsigned keys, optionally with 32-bit values.
//   thrust: thrust::sort / thrust::sort_by_key (radix sort for these types,
//           stable) on the run's stream, temporary storage through the tracker.
// Sorting is in place, so every call first copies the unsorted input into the
// work buffer on the device (the CPU side copies too): each call sorts the
// same unsorted data.
#include <thrust/execution_policy.h>
#include <thrust/sort.h>

#include "gpu.hpp"
#include "staged_run.cuh"
#include "thrust_alloc.cuh"

namespace accel::gpu {
namespace {

class sort_run final : public staged_run {
 public:
  // Input blob: keys, then values when `pairs`; the output has the same layout.
  sort_run(const uint32_t* blob, size_t n, bool pairs)
      : staged_run(blob, n * sizeof(uint32_t) * (pairs ? 2 : 1), n * sizeof(uint32_t) * (pairs ? 2 : 1)),
        n_(n),
        pairs_(pairs) {}

 private:
  void compute(cudaStream_t s) override {
    const size_t words = n_ * (pairs_ ? 2 : 1);
    ACCEL_CUDA(cudaMemcpyAsync(out(), in(), words * sizeof(uint32_t), cudaMemcpyDeviceToDevice, s));
    auto* keys = reinterpret_cast<uint32_t*>(out());
    library_launch(pairs_ ? "thrust::sort_by_key" : "thrust::sort");
    if (pairs_) {
      ACCEL_THRUST(thrust::sort_by_key(thrust::cuda::par_nosync(alloc_).on(s), keys, keys + n_, keys + n_));
    } else {
      ACCEL_THRUST(thrust::sort(thrust::cuda::par_nosync(alloc_).on(s), keys, keys + n_));
    }
    ACCEL_CUDA_LAUNCHED("thrust::sort");
  }
  size_t n_;
  bool pairs_;
  thrust_allocator alloc_;
};

}  // namespace

const std::vector<std::string>& sort_variants() {
  static const std::vector<std::string> v{"thrust"};
  return v;
}

std::unique_ptr<device_run> make_sort_run(const std::string& variant, int device, const uint32_t* blob, size_t n,
                                          bool pairs) {
  if (variant != "thrust") throw gpu_error("unknown sort variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<sort_run>(blob, n, pairs);
}

}  // namespace accel::gpu
