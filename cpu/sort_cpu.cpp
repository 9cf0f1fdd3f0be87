#include "sort_cpu.hpp"

#include <omp.h>

#include <algorithm>
#include <vector>

namespace accel {

namespace {

// A key alone (uint32_t), or a pair as one word: key << 32 | value. Keeping
// a pair in one word moves it as one store; as two arrays n elements apart
// (n a power of two, as the suites' sizes are), every scatter wrote two
// addresses in the same cache sets, and 64 Mi pairs took 1.6 s where 16 Mi
// took 0.12 s on the 2-vCPU VM (README, "The batched workloads").
template <typename Word>
constexpr int kKeyShift = sizeof(Word) == 8 ? 32 : 0;

// One stable counting pass on the key's byte `byte` (0 = lowest): src -> dst,
// both m words.
template <typename Word>
void radix_pass(const Word* src, Word* dst, size_t m, int byte) {
  const int shift = kKeyShift<Word> + 8 * byte;
  size_t count[256] = {};
  for (size_t i = 0; i < m; ++i) ++count[(src[i] >> shift) & 0xff];
  size_t sum = 0;
  for (size_t d = 0; d < 256; ++d) {
    const size_t c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (size_t i = 0; i < m; ++i) dst[count[(src[i] >> shift) & 0xff]++] = src[i];
}

// Pass 1, the top byte, over all threads: word(i) -> tmp, stable, into 256
// buckets (each thread's share of a bucket after the earlier threads').
// Returns where each bucket starts in tmp, and n after the last.
template <typename Word, typename Load>
std::vector<size_t> top_byte_pass(const uint32_t* keys, size_t n, Word* tmp, Load word) {
  const int threads = omp_get_max_threads();
  std::vector<size_t> hist(size_t(threads) * 256), bucket(257, n);
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
    for (size_t i = lo; i < hi; ++i) tmp[h[keys[i] >> 24]++] = word(i);
  }
  return bucket;
}

}  // namespace

// Passes 2-4, the three low bytes, inside each bucket, buckets spread over
// the threads. A bucket of uniform keys holds n/256 of them, so these passes
// stay in cache where whole-array passes would not.

void radix_sort_parallel(uint32_t* keys, size_t n, uint32_t* tmp) {
  const std::vector<size_t> bucket = top_byte_pass(keys, n, tmp, [keys](size_t i) { return keys[i]; });
  // tmp -> keys -> tmp -> keys.
#pragma omp parallel for schedule(dynamic, 1)
  for (int d = 0; d < 256; ++d) {
    const size_t lo = bucket[size_t(d)], m = bucket[size_t(d) + 1] - lo;
    radix_pass(tmp + lo, keys + lo, m, 0);
    radix_pass(keys + lo, tmp + lo, m, 1);
    radix_pass(tmp + lo, keys + lo, m, 2);
  }
}

void radix_sort_parallel(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* tmp) {
  const std::vector<size_t> bucket =
      top_byte_pass(keys, n, tmp, [keys, vals](size_t i) { return uint64_t(keys[i]) << 32 | vals[i]; });
  size_t largest = 0;
  for (size_t d = 0; d < 256; ++d) largest = std::max(largest, bucket[d + 1] - bucket[d]);
  // tmp -> a buffer of the thread's own -> tmp -> that buffer, then in order
  // to keys and values (scattered into two arrays n apart is the case above).
#pragma omp parallel
  {
    std::vector<uint64_t> own(largest);
#pragma omp for schedule(dynamic, 1)
    for (int d = 0; d < 256; ++d) {
      const size_t lo = bucket[size_t(d)], m = bucket[size_t(d) + 1] - lo;
      radix_pass(tmp + lo, own.data(), m, 0);
      radix_pass(own.data(), tmp + lo, m, 1);
      radix_pass(tmp + lo, own.data(), m, 2);
      for (size_t i = 0; i < m; ++i) {
        keys[lo + i] = uint32_t(own[i] >> 32);
        vals[lo + i] = uint32_t(own[i]);
      }
    }
  }
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
