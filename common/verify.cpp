#include "verify.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace accel {

namespace {

verification size_mismatch(size_t ref, size_t got) {
  verification v;
  v.mismatches = ref > got ? ref - got : got - ref;
  v.first_mismatch = "size: got " + std::to_string(got) + " elements, expected " + std::to_string(ref);
  return v;
}

// The one comparison loop: element i passes when |got - ref| <= bound(i).
// Where either side is not finite, only the same infinity passes (a NaN
// never does): Inf - Inf is NaN, and the bound of an infinite ref is infinite.
template <typename Ref, typename Got, typename Bound>
verification compare(std::span<const Ref> ref, std::span<const Got> got, Bound bound) {
  if (ref.size() != got.size()) return size_mismatch(ref.size(), got.size());
  verification v;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double r = double(ref[i]), g = double(got[i]);
    const bool finite = std::isfinite(r) && std::isfinite(g);
    const double abs_err = finite ? std::fabs(g - r) : r == g ? 0.0 : INFINITY;
    const bool ok = finite ? abs_err <= bound(i, r) : r == g;
    v.max_abs_err = std::max(v.max_abs_err, abs_err);
    if (r != 0 && abs_err > 0) v.max_rel_err = std::max(v.max_rel_err, std::isfinite(r) ? abs_err / std::fabs(r) : INFINITY);
    if (!ok) {
      if (v.mismatches == 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "index %zu: got %.9g, expected %.9g", i, g, r);
        v.first_mismatch = buf;
      }
      ++v.mismatches;
    }
  }
  v.passed = v.mismatches == 0;
  return v;
}

}  // namespace

verification verify_close(std::span<const float> ref, std::span<const float> got, tolerance tol) {
  return compare(ref, got, [&](size_t, double r) { return tol.atol + tol.rtol * std::fabs(r); });
}

verification verify_within(std::span<const double> ref, std::span<const float> got, std::span<const double> bound) {
  return compare(ref, got, [&](size_t i, double) { return bound[i]; });
}

verification verify_equal(std::span<const uint32_t> ref, std::span<const uint32_t> got) {
  if (ref.size() != got.size()) return size_mismatch(ref.size(), got.size());
  verification v;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i] == got[i]) continue;
    if (v.mismatches == 0)
      v.first_mismatch = "index " + std::to_string(i) + ": got " + std::to_string(got[i]) + ", expected " +
                         std::to_string(ref[i]);
    ++v.mismatches;
  }
  v.passed = v.mismatches == 0;
  v.max_abs_err = v.passed ? 0 : INFINITY;  // exact comparison: any difference is a failure
  return v;
}

}  // namespace accel
