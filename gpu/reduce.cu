// reduce on the GPU: the sum of an array (rows == 1) or the sum of every row
// of a rows x cols row-major matrix.
//   custom: sum: one pass, grid-stride with 16-byte loads, warp shuffles,
//           one partial per block; the last block to finish adds the
//           partials in block order (deterministic). rows: one warp per row.
//           Kernels in kernels/reduce.cuh.
//   cub:    cub::DeviceReduce::Sum / cub::DeviceSegmentedReduce::Sum (the
//           library under thrust::reduce), temporary storage from the tracker.
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include "gpu.hpp"
#include "kernels/reduce.cuh"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

// Segment i of the row sums is [i * cols, (i + 1) * cols).
struct row_offset {
  long long cols;
  __host__ __device__ long long operator()(long long i) const { return i * cols; }
};

class reduce_run final : public staged_run {
 public:
  reduce_run(bool use_cub, const float* x, size_t rows, size_t cols)
      : staged_run(x, rows * cols * sizeof(float), rows * sizeof(float)), use_cub_(use_cub), rows_(rows), cols_(cols),
        sms_(current_sm_count()) {
    const size_t n = rows * cols;
    if (use_cub_) {
      size_t bytes = 0;
      if (rows_ == 1) {
        ACCEL_CUDA(cub::DeviceReduce::Sum(nullptr, bytes, (const float*)nullptr, (float*)nullptr, n));
      } else {
        ACCEL_CUDA(cub::DeviceSegmentedReduce::Sum(nullptr, bytes, (const float*)nullptr, (float*)nullptr,
                                                   (long long)rows_, offsets(0), offsets(1)));
      }
      temp_ = device_buffer<std::byte>(bytes > 0 ? bytes : 1);
    } else if (rows_ == 1) {
      blocks_ = grid_for(n / 4 + 1, kernels::kReduceThreads, sms_);
      partials_ = device_buffer<float>(blocks_);
      done_ = device_buffer<unsigned>(1);
      // On the run's stream, so the first sum_one_pass sees the zeroed count.
      ACCEL_CUDA(cudaMemsetAsync(done_.get(), 0, sizeof(unsigned), stream_handle()));
    }
  }

 private:
  using offset_iter = thrust::transform_iterator<row_offset, thrust::counting_iterator<long long>>;
  offset_iter offsets(long long start) const {
    return offset_iter(thrust::counting_iterator<long long>(start), row_offset{(long long)cols_});
  }

  void compute(cudaStream_t s) override {
    const auto* x = reinterpret_cast<const float*>(in());
    auto* y = reinterpret_cast<float*>(out());
    size_t bytes = temp_.bytes();
    if (use_cub_) library_launch(rows_ == 1 ? "cub::DeviceReduce::Sum" : "cub::DeviceSegmentedReduce::Sum");
    if (use_cub_ && rows_ == 1) {
      ACCEL_CUDA(cub::DeviceReduce::Sum(temp_.get(), bytes, x, y, rows_ * cols_, s));
    } else if (use_cub_) {
      ACCEL_CUDA(cub::DeviceSegmentedReduce::Sum(temp_.get(), bytes, x, y, (long long)rows_, offsets(0), offsets(1), s));
    } else if (rows_ == 1) {
      kernels::sum_one_pass<<<blocks_, launch_threads(kernels::kReduceThreads), 0, s>>>(x, cols_, partials_.get(),
                                                                                        done_.get(), y);
      ACCEL_CUDA_LAUNCHED("sum_one_pass");
    } else {
      kernels::row_sums_warp<<<kernels::row_sums_blocks(rows_), launch_threads(kernels::kReduceThreads), 0, s>>>(
          x, rows_, cols_, y);
      ACCEL_CUDA_LAUNCHED("row_sums_warp");
    }
  }

  bool use_cub_;
  size_t rows_, cols_;
  int sms_;
  unsigned blocks_ = 0;
  device_buffer<float> partials_;
  device_buffer<unsigned> done_;
  device_buffer<std::byte> temp_;
};

}  // namespace

const std::vector<std::string>& reduce_variants() {
  static const std::vector<std::string> v{"custom", "cub"};
  return v;
}

std::unique_ptr<device_run> make_reduce_run(const std::string& variant, int device, const float* x, size_t rows,
                                            size_t cols) {
  if (variant != "custom" && variant != "cub") throw gpu_error("unknown reduce variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<reduce_run>(variant == "cub", x, rows, cols);
}

}  // namespace accel::gpu
