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

// Independent FMA chains in vector registers, enough to cover FMA latency x
// ports (4-5 cycles x 2 on current x86): 12 chains of the widest vector the
// build enables. Vector types, not a float array: with a float array GCC once
// kept the accumulators on the stack after inlining, a quarter of the rate.
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
#elif defined(__AVX__)
constexpr int kVectorBytes = 32;
#else
constexpr int kVectorBytes = 16;
#endif
typedef float vector_t __attribute__((vector_size(kVectorBytes)));
constexpr int kChains = 12;
constexpr int kLanes = kChains * kVectorBytes / int(sizeof(float));

// Returns a value derived from every accumulator, so nothing is optimised away.
[[gnu::noinline]] float fma_chains(long iterations) {
  vector_t v[kChains];
  for (int j = 0; j < kChains; ++j) v[j] = vector_t{} + (1.f + 1e-3f * float(j));
  const vector_t m = vector_t{} + 0.999999f, a = vector_t{} + 1e-7f;
  for (long it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int j = 0; j < kChains; ++j) v[j] = v[j] * m + a;
  }
  float s = 0;
  for (int j = 0; j < kChains; ++j)
    for (int l = 0; l < kVectorBytes / int(sizeof(float)); ++l) s += v[j][l];
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

  // One pass over every thread; returns its seconds and sets `threads`.
  volatile float sink = 0;
  int threads = 1;
  auto fma_pass = [&](long iterations) {
    const auto t0 = clk::now();
#pragma omp parallel
    {
#pragma omp single
      threads = omp_get_num_threads();
      const float r = fma_chains(iterations);
#pragma omp critical
      sink = sink + r;
    }
    return seconds_since(t0);
  };
  // A short pass warms up and calibrates; the timed passes then last about
  // 25 ms each. With fixed 1.3 ms passes here (2 vCPUs), 3 of 25 runs read
  // about half the rate; a standalone copy showed why: each thread ran at full
  // speed, but one after the other. In 25 ms passes such a delay costs little.
  const long probe = 1'000'000;
  const double probe_s = fma_pass(probe);
  const long iterations = std::clamp(long(double(probe) * 0.025 / probe_s), probe, long(1) << 31);
  for (int rep = 0; rep < 10; ++rep) {
    const double t = fma_pass(iterations);
    p.fma_gflops = std::max(p.fma_gflops, 2.0 * kLanes * double(iterations) * threads / t / 1e9);
  }
  (void)sink;
  return p;
}

}  // namespace accel
