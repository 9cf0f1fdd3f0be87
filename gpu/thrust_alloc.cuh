// Thrust's temporary storage through the memory tracker: pass
// thrust::cuda::par_nosync(alloc).on(stream) to every Thrust call. Blocks are
// cached and reused, so a timed call does not pay for cudaMalloc/cudaFree.
#pragma once
#include <thrust/system/cuda/error.h>

#include <cstddef>
#include <vector>

#include "cuda_util.cuh"

namespace accel::gpu {

class thrust_allocator {
 public:
  using value_type = char;

  char* allocate(std::ptrdiff_t n) {
    for (auto& b : blocks_)
      if (!b.busy && b.buf.bytes() >= size_t(n)) {
        b.busy = true;
        return b.buf.get();
      }
    blocks_.push_back({device_buffer<char>(size_t(n > 0 ? n : 1)), true});
    return blocks_.back().buf.get();
  }
  void deallocate(char* p, size_t) {
    for (auto& b : blocks_)
      if (b.buf.get() == p) b.busy = false;
  }

 private:
  struct block {
    device_buffer<char> buf;
    bool busy = false;
  };
  std::vector<block> blocks_;
};

// Thrust reports CUDA failures as thrust::system_error; the harness expects gpu_error.
#define ACCEL_THRUST(call)                                                                               \
  do {                                                                                                   \
    try {                                                                                                \
      call;                                                                                              \
    } catch (const thrust::system_error& e_) {                                                           \
      throw with_context_state(gpu_error(std::string("thrust: ") + e_.what(), gpu_error::kind::launch)); \
    }                                                                                                    \
  } while (0)

}  // namespace accel::gpu
