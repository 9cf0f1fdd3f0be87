// Runs our CUDA kernels (gpu/kernels/*.cuh) on the host, so that their
// indexing, tiling, tails and barriers are checked on every machine, GPU or
// not. One OS thread per CUDA thread; the blocks of a launch run one after
// another. What it cannot show: anything between blocks running at once,
// the memory model, speed. It stands in for the CUDA built-ins those files
// use and nothing more; include it before them, never in CUDA code.
#pragma once
#include <math.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static  // one copy, seen by every thread of the (one running) block
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

struct dim3 {
  unsigned x, y, z;
  dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
// 16-byte aligned, as on the GPU, where a misaligned vector access faults; the
// sanitizer build reports one here.
struct alignas(16) float4 {
  float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace cuda_emulation {

// A reusable barrier that gives up after a while: a thread that never
// arrives means a barrier in divergent code, which hangs or is undefined on a
// GPU; here it stops the test with the reason.
class barrier {
 public:
  explicit barrier(unsigned n) : n_(n) {}
  void arrive_and_wait(const char* what) {
    std::unique_lock<std::mutex> lock(m_);
    const unsigned long gen = gen_;
    if (++waiting_ == n_) {
      waiting_ = 0;
      ++gen_;
      cv_.notify_all();
      return;
    }
    // Generous: on a loaded 2-core CI machine every one of a block's 256
    // threads must be scheduled once per barrier.
    if (!cv_.wait_for(lock, std::chrono::seconds(120), [&] { return gen_ != gen; })) {
      std::fprintf(stderr, "cuda_emulation: %s: %u of %u threads waited 120 s for the rest (a barrier in divergent "
                   "code?)\n", what, waiting_, n_);
      std::abort();
    }
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  const unsigned n_;
  unsigned waiting_ = 0;
  unsigned long gen_ = 0;
};

// What the threads of the running block share besides __shared__ variables.
struct block_state {
  explicit block_state(unsigned threads) : block(threads), lanes(threads) {
    for (unsigned w = 0; w < (threads + 31) / 32; ++w) warps.emplace_back(std::min(32u, threads - 32 * w));
  }
  barrier block;
  std::deque<barrier> warps;  // barriers cannot move
  std::vector<float> lanes;  // one exchange slot per thread, for warp shuffles
};
inline thread_local block_state* current = nullptr;

inline unsigned linear_thread() { return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z); }

// kernel<<<grid, block>>>(args...), then a synchronise.
template <typename Kernel, typename... Args>
void launch(dim3 grid, dim3 block, Kernel kernel, Args... args) {
  const unsigned threads = block.x * block.y * block.z;
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        block_state state(threads);
        std::vector<std::thread> team;
        team.reserve(threads);
        for (unsigned t = 0; t < threads; ++t)
          team.emplace_back([&, t] {
            threadIdx = dim3(t % block.x, t / block.x % block.y, t / (block.x * block.y));
            blockIdx = dim3(bx, by, bz);
            blockDim = block;
            gridDim = grid;
            current = &state;
            kernel(args...);
          });
        for (auto& th : team) th.join();
      }
}

}  // namespace cuda_emulation

inline void __syncthreads() { cuda_emulation::current->block.arrive_and_wait("__syncthreads"); }

// Every lane of the warp must take part (our kernels pass the full mask).
inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
  using namespace cuda_emulation;
  const unsigned t = linear_thread(), base = t - t % 32;
  barrier& warp = current->warps[t / 32];
  current->lanes[t] = v;
  warp.arrive_and_wait("__shfl_xor_sync");
  const float other = current->lanes[base + ((t - base) ^ unsigned(lane_mask))];
  warp.arrive_and_wait("__shfl_xor_sync");
  return other;
}

template <typename T>
T __ldg(const T* p) { return *p; }
template <typename T>
T __ldcg(const T* p) { return *p; }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return std::atomic_ref<unsigned>(*p).fetch_add(v); }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
