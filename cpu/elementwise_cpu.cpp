#include "elementwise_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace accel {

namespace {

// Splits [0, n) into per-thread blocks and applies f(lo, count) to each.
template <typename F>
void parallel_blocks(size_t n, F f) {
#pragma omp parallel
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    // Blocks start on 16-float boundaries so each thread's vector loads are aligned alike.
    const size_t lo = std::min(n, (n * t / nt) & ~size_t(15)), hi = t + 1 == nt ? n : std::min(n, (n * (t + 1) / nt) & ~size_t(15));
    if (hi > lo) f(lo, Eigen::Index(hi - lo));
  }
}

// Runs f(lo, m, dst) over each thread's block, writing dst[0, m) for
// out[lo, lo + m): straight to out, or through an L1-sized buffer streamed
// out (stream_store.hpp).
template <typename F>
void blocks_into(float* out, size_t n, bool stream, F f) {
  parallel_blocks(n, [&](size_t lo, Eigen::Index m) {
    if (!stream) return f(lo, m, out + lo);
    constexpr Eigen::Index kChunk = 2048;  // 8 KiB
    alignas(64) float buf[kChunk];
    for (Eigen::Index i = 0; i < m; i += kChunk) {
      const Eigen::Index c = std::min(kChunk, m - i);
      f(lo + size_t(i), c, buf);
      stream_copy(out + lo + size_t(i), buf, size_t(c));
    }
    stream_fence();
  });
}

}  // namespace

void saxpy_cpu(float a, const float* x, const float* y, float* out, size_t n, store_mode mode) {
  blocks_into(out, n, use_streaming(mode, 3 * n * sizeof(float)), [&](size_t lo, Eigen::Index m, float* dst) {
    Eigen::Map<Eigen::ArrayXf>(dst, m) =
        a * Eigen::Map<const Eigen::ArrayXf>(x + lo, m) + Eigen::Map<const Eigen::ArrayXf>(y + lo, m);
  });
}

// Plain stores: streamed, GELU ran 1.02-1.14x slower on the 2-vCPU VM at 16
// and 128 Mi elements, where its tanh, not memory, limits it (README).
void gelu_cpu(const float* x, float* out, size_t n) {
  constexpr float k0 = 0.7978845608028654f, k1 = 0.044715f;
  parallel_blocks(n, [&](size_t lo, Eigen::Index m) {
    const auto v = Eigen::Map<const Eigen::ArrayXf>(x + lo, m);
    Eigen::Map<Eigen::ArrayXf>(out + lo, m) = 0.5f * v * (1.f + (k0 * (v + k1 * v * v * v)).tanh());
  });
}

double gelu_reference(double x) {
  return 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

}  // namespace accel
