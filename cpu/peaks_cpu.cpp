#include "peaks_cpu.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>

namespace accel {

namespace {

using clk = std::chrono::steady_clock;

double seconds_since(clk::time_point t0) { return std::chrono::duration<double>(clk::now() - t0).count(); }

// Enough independent accumulators to cover FMA latency x ports: 8 vector
// registers' worth, whatever the vector width.
#if defined(__AVX512F__)
constexpr int kLanes = 128;
#else
constexpr int kLanes = 64;
#endif

// Returns a value derived from every accumulator, so nothing is optimised away.
float fma_chains(long iterations) {
  float v[kLanes];
  for (int j = 0; j < kLanes; ++j) v[j] = 1.f + 1e-3f * float(j);
  const float m = 0.999999f, a = 1e-7f;
  for (long it = 0; it < iterations; ++it) {
#pragma omp simd
    for (int j = 0; j < kLanes; ++j) v[j] = v[j] * m + a;
  }
  float s = 0;
  for (float x : v) s += x;
  return s;
}

}  // namespace

cpu_peaks measure_cpu_peaks(size_t array_bytes) {
  cpu_peaks p;
  const size_t n = std::max<size_t>(array_bytes / sizeof(float), 1024);
  std::unique_ptr<float[]> a(new float[n]), b(new float[n]), c(new float[n]);
  const long nn = long(n);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < nn; ++i) {  // first touch by the threads that later use each page
    a[i] = 0.f;
    b[i] = 1.f;
    c[i] = 2.f;
  }
  const float s = 3.f;
  for (int rep = 0; rep < 6; ++rep) {
    const auto t0 = clk::now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < nn; ++i) a[i] = b[i] + s * c[i];
    const double t = seconds_since(t0);
    if (rep > 0) p.triad_gb_per_s = std::max(p.triad_gb_per_s, 3.0 * double(n) * sizeof(float) / t / 1e9);
  }

  const long iterations = 1'000'000;
  volatile float sink = 0;
  for (int rep = 0; rep < 6; ++rep) {
    int threads = 1;
    const auto t0 = clk::now();
#pragma omp parallel
    {
#pragma omp single
      threads = omp_get_num_threads();
      const float r = fma_chains(iterations);
#pragma omp critical
      sink = sink + r;
    }
    const double t = seconds_since(t0);
    if (rep > 0) p.fma_gflops = std::max(p.fma_gflops, 2.0 * kLanes * double(iterations) * threads / t / 1e9);
  }
  (void)sink;
  return p;
}

}  // namespace accel
