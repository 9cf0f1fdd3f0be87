#include "verify.hpp"

#include <cmath>
#include <cstdio>

namespace accel {

verification verify_close(std::span<const float> ref, std::span<const float> got, tolerance tol) {
  verification v;
  if (ref.size() != got.size()) {
    v.mismatches = ref.size() > got.size() ? ref.size() - got.size() : got.size() - ref.size();
    v.first_mismatch = "size: got " + std::to_string(got.size()) + " elements, expected " +
                       std::to_string(ref.size());
    return v;
  }
  for (size_t i = 0; i < ref.size(); ++i) {
    const double r = ref[i], g = got[i];
    const double abs_err = std::fabs(g - r);
    const bool ok = std::isfinite(g) == std::isfinite(r) && abs_err <= tol.atol + tol.rtol * std::fabs(r);
    if (std::isnan(abs_err) || abs_err > v.max_abs_err) v.max_abs_err = std::isnan(abs_err) ? INFINITY : abs_err;
    if (r != 0 && abs_err / std::fabs(r) > v.max_rel_err) v.max_rel_err = abs_err / std::fabs(r);
    if (!ok || std::isnan(g)) {
      if (v.mismatches == 0) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "index %zu: got %.9g, expected %.9g", i, g, r);
        v.first_mismatch = buf;
      }
      ++v.mismatches;
    }
  }
  v.passed = v.mismatches == 0;
  return v;
}

}  // namespace accel
