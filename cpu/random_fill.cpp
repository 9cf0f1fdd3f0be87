#include "random_fill.hpp"

#include <algorithm>

#include "rng.hpp"

namespace accel {

namespace {

// Elements per task: a thread's jump costs one multiply per chunk.
constexpr size_t kChunk = size_t(1) << 16;

template <typename T, typename Draw>
void fill(T* out, size_t n, uint64_t seed, Draw draw) {
  const auto chunks = static_cast<int64_t>((n + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < chunks; ++c) {
    const size_t begin = size_t(c) * kChunk, end = std::min(n, begin + kChunk);
    rng r(seed);
    r.skip(begin);
    for (size_t i = begin; i < end; ++i) out[i] = draw(r);
  }
}

}  // namespace

void fill_uniform(float* out, size_t n, uint64_t seed, double lo, double hi) {
  fill(out, n, seed, [=](rng& r) { return float(r.uniform(lo, hi)); });
}

void fill_uniform(int32_t* out, size_t n, uint64_t seed, int32_t lo, int32_t hi) {
  const uint64_t span = uint64_t(int64_t(hi) - lo + 1);
  fill(out, n, seed, [=](rng& r) { return lo + int32_t(r.below(span)); });
}

void fill_bits(uint32_t* out, size_t n, uint64_t seed) {
  fill(out, n, seed, [](rng& r) { return uint32_t(r.next_u64()); });
}

}  // namespace accel
