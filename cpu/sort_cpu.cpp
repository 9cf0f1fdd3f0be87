#include "sort_cpu.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

namespace accel {

namespace {

// One stable counting pass on the byte at `shift`: src -> dst (values alike
// when Pairs). `count` holds 256 zeros on entry.
template <bool Pairs>
void radix_pass(const uint32_t* src_k, const uint32_t* src_v, uint32_t* dst_k, uint32_t* dst_v, size_t n, int shift,
                size_t* count) {
  for (size_t i = 0; i < n; ++i) ++count[(src_k[i] >> shift) & 0xff];
  size_t sum = 0;
  for (size_t d = 0; d < 256; ++d) {
    const size_t c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t pos = count[(src_k[i] >> shift) & 0xff]++;
    dst_k[pos] = src_k[i];
    if constexpr (Pairs) dst_v[pos] = src_v[i];
  }
}

template <bool Pairs>
void radix_sort(uint32_t* keys, uint32_t* vals, size_t n, uint32_t* tmp_keys, uint32_t* tmp_vals) {
  const int threads = omp_get_max_threads();
  std::vector<size_t> hist(size_t(threads) * 256), bucket(257, n);
  // Pass 1, most significant byte, all threads: keys -> tmp, stable, into 256
  // buckets (each thread's share of a bucket after the earlier threads').
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    const size_t lo = n * t / nt, hi = n * (t + 1) / nt;
    size_t* h = &hist[t * 256];
    std::fill(h, h + 256, size_t(0));
    for (size_t i = lo; i < hi; ++i) ++h[keys[i] >> 24];
#pragma omp barrier
#pragma omp single
    {
      size_t sum = 0;
      for (size_t d = 0; d < 256; ++d) {
        bucket[d] = sum;
        for (size_t tt = 0; tt < nt; ++tt) {
          const size_t c = hist[tt * 256 + d];
          hist[tt * 256 + d] = sum;
          sum += c;
        }
      }
    }
    for (size_t i = lo; i < hi; ++i) {
      const size_t pos = h[keys[i] >> 24]++;
      tmp_keys[pos] = keys[i];
      if constexpr (Pairs) tmp_vals[pos] = vals[i];
    }
  }
  // Passes 2-4, bytes 0, 1, 2, inside each bucket: tmp -> keys -> tmp -> keys.
  // A bucket of uniform keys holds n/256 of them, so these passes stay in
  // cache where whole-array passes would not.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int d = 0; d < 256; ++d) {
    const size_t lo = bucket[size_t(d)], m = bucket[size_t(d) + 1] - lo;
    uint32_t *k = keys + lo, *tk = tmp_keys + lo, *v = Pairs ? vals + lo : nullptr, *tv = Pairs ? tmp_vals + lo : nullptr;
    size_t count[256];
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(tk, tv, k, v, m, 0, count);
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(k, v, tk, tv, m, 8, count);
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(tk, tv, k, v, m, 16, count);
  }
}

}  // namespace

void radix_sort_parallel(uint32_t* keys, uint32_t* vals, size_t n, uint32_t* tmp_keys, uint32_t* tmp_vals) {
  if (vals)
    radix_sort<true>(keys, vals, n, tmp_keys, tmp_vals);
  else
    radix_sort<false>(keys, nullptr, n, tmp_keys, nullptr);
}

void sort_std(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* packed) {
  if (!vals) {
    std::sort(keys, keys + n);
    return;
  }
  for (size_t i = 0; i < n; ++i) packed[i] = (uint64_t(keys[i]) << 32) | vals[i];
  std::sort(packed, packed + n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = uint32_t(packed[i] >> 32);
    vals[i] = uint32_t(packed[i]);
  }
}

}  // namespace accel
