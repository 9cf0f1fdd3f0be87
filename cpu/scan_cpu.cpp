#include "scan_cpu.hpp"

#include <omp.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace accel {

namespace {

// The array is scanned in rounds of one tile per thread (kScanTile). Pass 1
// sums each thread's tile (reads only, vectorised); the running totals give
// each tile its start. Pass 2 scans each tile from its start, reading it
// from the core's cache: the input comes from memory once. With one block
// per thread for the whole array (up to 5f41691) it came twice, and large
// scans were bound by that traffic on the H100 machine (README, "The
// batched workloads"). Pass 2 runs
// sixteen elements per step in two vector registers: three shift-and-add
// steps give each register's own prefix sums, the first's last lane is added
// to the second, then the carry from the previous sixteen to both, and the
// second's last lane becomes the next carry. One running sum instead waits
// an add's latency per element (the fp32 scan ran at half the int32 rate);
// one register per carry step (a72a675) still waited an add and a shuffle
// per eight: two took 0.71-0.75 of its time at 1 Mi elements (README, "The
// batched workloads"), four gained nothing more in a scratch trial.
// Scanning parts of a block side by side to overlap those chains (tried
// first, 344aa8c) ran 4-11x slower in an A/B run on the VM (not kept) where
// the parts lay a multiple of 4 KiB apart (likely 4K aliasing between their
// loads and stores), and was still slower than one chain at 16 Mi elements
// with the parts 2 KiB apart.
// __builtin_shufflevector: clang's (the sanitizer builds), and GCC's from
// GCC 12; an older compiler gets the one-chain loop.
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define ACCEL_SCAN_IN_VECTORS 1
#endif
#endif
// Without AVX (the portable build) GCC notes that functions returning these
// 32-byte vectors would pass them differently than with it (-Wpsabi); the
// lambdas below that do are local to this file and inlined, so no ABI is crossed.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));
template <typename T>
struct vec8_of {
  using type = i32x8;  // int32_t
};
template <>
struct vec8_of<float> {
  using type = f32x8;
};

template <typename T>
void scan_run(const T* in, T* out, size_t n, T carry) {
  using vec8 = typename vec8_of<T>::type;
  static_assert(sizeof(vec8) == 8 * sizeof(T), "eight lanes of T");
  const vec8 zero{};
  vec8 c = zero + carry;
  size_t i = 0;
#ifdef ACCEL_SCAN_IN_VECTORS
  const auto own_prefix = [](vec8 v) {
    const vec8 z{};
    v += __builtin_shufflevector(v, z, 8, 0, 1, 2, 3, 4, 5, 6);  // lane j: x[j-1] + x[j]
    v += __builtin_shufflevector(v, z, 8, 8, 0, 1, 2, 3, 4, 5);
    v += __builtin_shufflevector(v, z, 8, 8, 8, 8, 0, 1, 2, 3);
    return v;
  };
  const auto last_lane = [](vec8 v) { return __builtin_shufflevector(v, v, 7, 7, 7, 7, 7, 7, 7, 7); };
  for (; i + 16 <= n; i += 16) {
    vec8 v, w;
    __builtin_memcpy(&v, in + i, sizeof v);
    __builtin_memcpy(&w, in + i + 8, sizeof w);
    v = own_prefix(v);
    w = own_prefix(w) + last_lane(v);
    v += c;
    w += c;
    __builtin_memcpy(out + i, &v, sizeof v);
    __builtin_memcpy(out + i + 8, &w, sizeof w);
    c = last_lane(w);
  }
#endif
  for (T s = c[0]; i < n; ++i) out[i] = s += in[i];
}

// Elements per thread and round: 512 KiB of int32/fp32 input, which with
// its output stays in a core's L2 (1-2 MiB on current x86) between the two
// passes.
constexpr size_t kScanTile = size_t(128) << 10;

template <typename T>
void scan_blocked(const T* in, T* out, size_t n) {
  const int threads = omp_get_max_threads();
  // sums[r % 2][t]: the sum of thread t's tile in round r. Two sets, so a
  // thread may write the next round's while another still reads this one's;
  // one barrier per round, after which every thread adds up the starts itself.
  std::vector<T> sums[2] = {std::vector<T>(size_t(threads)), std::vector<T>(size_t(threads))};
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    T carry = 0;  // the sum of all rounds so far (the same in every thread)
    for (size_t base = 0, round = 0; base < n; base += nt * kScanTile, ++round) {
      const size_t m = std::min(nt * kScanTile, n - base);
      const size_t lo = base + m / nt * t + m % nt * t / nt, hi = base + m / nt * (t + 1) + m % nt * (t + 1) / nt;
      std::vector<T>& sum = sums[round % 2];
      T total = 0;
#pragma omp simd reduction(+ : total)
      for (size_t i = lo; i < hi; ++i) total += in[i];
      sum[t] = total;
#pragma omp barrier
      T start = carry;  // carry plus the tiles before this thread's
      for (size_t i = 0; i < t; ++i) start += sum[i];
      for (size_t i = 0; i < nt; ++i) carry += sum[i];
      scan_run(in + lo, out + lo, hi - lo, start);
    }
  }
}

}  // namespace

void inclusive_scan_parallel(const int32_t* in, int32_t* out, size_t n) { scan_blocked(in, out, n); }
void inclusive_scan_parallel(const float* in, float* out, size_t n) { scan_blocked(in, out, n); }
void inclusive_scan_std(const int32_t* in, int32_t* out, size_t n) { std::inclusive_scan(in, in + n, out); }
void inclusive_scan_std(const float* in, float* out, size_t n) { std::inclusive_scan(in, in + n, out); }

}  // namespace accel
