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

// Sum of x[lo, hi) in four vector accumulators, so the adds do not wait on
// each other and the loads, not the add latency, set the pace.
float read_block(const float* x, long lo, long hi) {
  constexpr long lanes = kVectorBytes / long(sizeof(float));
  vector_t acc[4] = {};
  long i = lo;
  for (; i + 4 * lanes <= hi; i += 4 * lanes)
    for (int j = 0; j < 4; ++j) {
      vector_t v;
      __builtin_memcpy(&v, x + i + j * lanes, sizeof v);  // an unaligned vector load
      acc[j] += v;
    }
  float s = 0;
  for (; i < hi; ++i) s += x[i];
  for (const vector_t& v : acc)
    for (long l = 0; l < lanes; ++l) s += v[l];
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
  const double array = double(n) * sizeof(float);
  // Each pass runs over every thread and returns its seconds.
  const auto timed = [](const auto& pass) {
    const auto t0 = clk::now();
    pass();
    return seconds_since(t0);
  };
  const auto triad = [&] {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < nn; ++i) a[i] = b[i] + 3.f * c[i];
  };
  volatile float sink = 0;
  const auto read = [&] {
    float total = 0;
#pragma omp parallel reduction(+ : total)
    {
      const long t = omp_get_thread_num(), nt = omp_get_num_threads();
      total += read_block(b.get(), nn * t / nt, nn * (t + 1) / nt);
    }
    sink = sink + total;
  };
  const auto update = [&] {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < nn; ++i) c[i] = 1e-3f * b[i] + c[i];
  };
  int threads = 1;
  long iterations = 1'000'000;
  const auto fma = [&] {
#pragma omp parallel
    {
#pragma omp single
      threads = omp_get_num_threads();
      const float r = fma_chains(iterations);
#pragma omp critical
      sink = sink + r;
    }
  };
  // A short FMA pass calibrates; the timed ones then last about 25 ms each.
  // With fixed 1.3 ms passes here (2 vCPUs), 3 of 25 runs read about half
  // the rate: each thread ran at full speed, but one after the other. In
  // 25 ms passes such a delay costs little.
  iterations = std::clamp(long(double(iterations) * 0.025 / timed(fma)), iterations, long(1) << 31);
  // The four figures in turn, best of 10 rounds each: a slow spell (the
  // clock ramping up after idle, a neighbour on a VM) then lowers a few
  // rounds of every figure, not all rounds of one. Probed one figure after
  // another, two runs on the H100 machine half an hour apart read 799 and
  // 1271 GFLOP/s (why, not found).
  for (int round = 0; round < 10; ++round) {
    p.triad_gb_per_s = std::max(p.triad_gb_per_s, 3 * array / timed(triad) / 1e9);
    p.read_gb_per_s = std::max(p.read_gb_per_s, array / timed(read) / 1e9);
    p.update_gb_per_s = std::max(p.update_gb_per_s, 3 * array / timed(update) / 1e9);
    const double t = timed(fma);
    p.fma_gflops = std::max(p.fma_gflops, 2.0 * kLanes * double(iterations) * threads / t / 1e9);
  }
  (void)sink;
  return p;
}

}  // namespace accel
