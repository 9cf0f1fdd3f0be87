// Seeded, platform-independent random numbers: the same --seed gives the same
// inputs on every machine and compiler (std:: distributions do not promise that).
#pragma once
#include <cmath>
#include <cstdint>

namespace accel {

// splitmix64: tiny, fast, and good enough for test data and bootstrap indices.
class rng {
 public:
  explicit rng(uint64_t seed) : state_(seed) {}

  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Moves on as if next_u64() had been called k times (it is a counter).
  void skip(uint64_t k) { state_ += k * 0x9E3779B97F4A7C15ull; }
  // Uniform index in [0, n); the modulo bias is below 2^-40 for n < 2^24.
  uint64_t below(uint64_t n) { return next_u64() % n; }
  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller (one value per call; simple over fast).
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

// Derives an independent stream for a named purpose from the run's seed, so that
// adding a workload does not change another workload's inputs.
inline uint64_t derive_seed(uint64_t seed, uint64_t salt) {
  rng r(seed ^ (salt * 0xD1B54A32D192ED03ull));
  return r.next_u64();
}

}  // namespace accel
