// Element-wise comparison of a GPU result against the CPU reference.
#pragma once
#include <cstddef>
#include <span>
#include <string>

namespace accel {

// |got - ref| <= atol + rtol * |ref| for every element; NaN never passes.
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

}  // namespace accel
