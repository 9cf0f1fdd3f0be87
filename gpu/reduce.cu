// reduce on the GPU: the sum of an array (rows == 1) or the sum of every row
// of a rows x cols row-major matrix.
//   custom: sum: one pass, grid-stride with 16-byte loads, warp shuffles,
//           one partial per block; the last block to finish adds the
//           partials in block order (deterministic). rows: one warp per row.
//   cub:    cub::DeviceReduce::Sum / cub::DeviceSegmentedReduce::Sum (the
//           library under thrust::reduce), temporary storage from the tracker.
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include "gpu.hpp"
#include "staged_run.cuh"

namespace accel::gpu {
namespace {

constexpr unsigned kThreads = 256;

__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Sum over the block; the result is valid in every thread of warp 0.
__device__ float block_sum(float v) {
  __shared__ float warps[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = warp_sum(v);
  if (lane == 0) warps[warp] = v;
  __syncthreads();
  v = lane < int(blockDim.x / 32) ? warps[lane] : 0.f;
  if (warp == 0) v = warp_sum(v);
  return v;
}

__global__ void __launch_bounds__(kThreads)
    sum_one_pass(const float* __restrict__ x, size_t n, float* __restrict__ partials, unsigned* done, float* out) {
  const size_t stride = size_t(gridDim.x) * blockDim.x;
  const size_t first = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const size_t n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(x);
  float s = 0.f;
  for (size_t i = first; i < n4; i += stride) {
    const float4 v = __ldg(x4 + i);
    s += (v.x + v.y) + (v.z + v.w);
  }
  for (size_t i = 4 * n4 + first; i < n; i += stride) s += x[i];
  s = block_sum(s);
  __shared__ bool last;
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = s;
    __threadfence();  // the partial is visible before the count says so
    last = atomicAdd(done, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  float t = 0.f;
  for (unsigned i = threadIdx.x; i < gridDim.x; i += blockDim.x) t += __ldcg(partials + i);
  t = block_sum(t);
  if (threadIdx.x == 0) {
    *out = t;
    *done = 0;  // ready for the next call
  }
}

// One warp per row; 16-byte loads when every row starts 16-byte aligned.
__global__ void __launch_bounds__(kThreads)
    row_sums_warp(const float* __restrict__ x, size_t rows, size_t cols, float* __restrict__ out) {
  const size_t row = (size_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;  // whole warps leave together
  const float* r = x + row * cols;
  float s = 0.f;
  if (cols % 4 == 0) {
    const float4* r4 = reinterpret_cast<const float4*>(r);
    for (size_t c = lane; c < cols / 4; c += 32) {
      const float4 v = __ldg(r4 + c);
      s += (v.x + v.y) + (v.z + v.w);
    }
  } else {
    for (size_t c = lane; c < cols; c += 32) s += r[c];
  }
  s = warp_sum(s);
  if (lane == 0) out[row] = s;
}

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
      blocks_ = grid_for(n / 4 + 1, kThreads, sms_);
      partials_ = device_buffer<float>(blocks_);
      done_ = device_buffer<unsigned>(1);
      ACCEL_CUDA(cudaMemset(done_.get(), 0, sizeof(unsigned)));
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
    if (use_cub_ && rows_ == 1) {
      ACCEL_CUDA(cub::DeviceReduce::Sum(temp_.get(), bytes, x, y, rows_ * cols_, s));
    } else if (use_cub_) {
      ACCEL_CUDA(cub::DeviceSegmentedReduce::Sum(temp_.get(), bytes, x, y, (long long)rows_, offsets(0), offsets(1), s));
    } else if (rows_ == 1) {
      sum_one_pass<<<blocks_, launch_threads(kThreads), 0, s>>>(x, cols_, partials_.get(), done_.get(), y);
      ACCEL_CUDA_LAUNCHED("sum_one_pass");
    } else {
      const size_t blocks = (rows_ * 32 + kThreads - 1) / kThreads;
      row_sums_warp<<<unsigned(blocks), launch_threads(kThreads), 0, s>>>(x, rows_, cols_, y);
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
