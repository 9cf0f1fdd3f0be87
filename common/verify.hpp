// Element-wise comparison of a result against its reference.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace accel {

// |got - ref| <= atol + rtol * |ref| for every element; NaN never passes, an
// infinity only where the reference has the same one.
struct tolerance {
  double atol = 0;
  double rtol = 0;
};

struct verification {
  bool passed = false;
  double max_abs_err = 0;
  double max_rel_err = 0;   // |got - ref| / |ref| over elements with ref != 0
  size_t mismatches = 0;
  std::string first_mismatch;  // "index 17: got 0.51, expected 0.49" (empty when passed)
};

verification verify_close(std::span<const float> ref, std::span<const float> got, tolerance tol);

// |got[i] - ref[i]| <= bound[i]: for sums, whose rounding error grows with
// the magnitude of what was added (ref in double precision).
verification verify_within(std::span<const double> ref, std::span<const float> got, std::span<const double> bound);

// Exact equality (sorted keys, integer scans; int32 compared as its bits).
verification verify_equal(std::span<const uint32_t> ref, std::span<const uint32_t> got);

}  // namespace accel
