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

}  // namespace

void saxpy_cpu(float a, const float* x, const float* y, float* out, size_t n) {
  parallel_blocks(n, [&](size_t lo, Eigen::Index m) {
    Eigen::Map<Eigen::ArrayXf>(out + lo, m) =
        a * Eigen::Map<const Eigen::ArrayXf>(x + lo, m) + Eigen::Map<const Eigen::ArrayXf>(y + lo, m);
  });
}

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
