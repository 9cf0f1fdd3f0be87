// Seeded random inputs, filled on all threads (set_cpu_threads). Element i
// gets the (i+1)-th draw of rng(seed) whatever the thread count: splitmix64
// is a counter, so each thread jumps to its first element (rng::skip). The
// same seed gives the same inputs as a loop on one core would.
#pragma once
#include <cstddef>
#include <cstdint>

namespace accel {

// Uniform fp32 in [lo, hi) (rng::uniform, rounded to float).
void fill_uniform(float* out, size_t n, uint64_t seed, double lo, double hi);
// Uniform integers in [lo, hi] (rng::below).
void fill_uniform(int32_t* out, size_t n, uint64_t seed, int32_t lo, int32_t hi);
// The low 32 bits of each draw.
void fill_bits(uint32_t* out, size_t n, uint64_t seed);

}  // namespace accel
