// Seeded random inputs for the tests (never zeros).
#pragma once
#include <vector>

#include "rng.hpp"

inline std::vector<float> uniform(size_t n, uint64_t seed, double lo = -1, double hi = 1) {
  accel::rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = float(r.uniform(lo, hi));
  return v;
}
