// Pieces every workload point shares: typed views of an output, and the
// common "fp32 result within a tolerance of the reference" point.
#pragma once
#include <span>
#include <vector>

#include "random_fill.hpp"
#include "rng.hpp"
#include "workload.hpp"

namespace accel {

// Seeded inputs (cpu/random_fill.hpp): uniform fp32 in [lo, hi), uniform integers in [lo, hi].
inline std::vector<float> random_floats(size_t n, uint64_t seed, double lo = -1, double hi = 1) {
  std::vector<float> v(n);
  fill_uniform(v.data(), n, seed, lo, hi);
  return v;
}
inline std::vector<int32_t> random_ints(size_t n, uint64_t seed, int32_t lo, int32_t hi) {
  std::vector<int32_t> v(n);
  fill_uniform(v.data(), n, seed, lo, hi);
  return v;
}

template <typename T>
std::span<const T> as_span(output_view v) {
  return {static_cast<const T*>(v.data), v.bytes / sizeof(T)};
}

// The reference is the first CPU variant's output; everything else must lie
// within `tol_` of it.
class float_point : public workload_point {
 public:
  output_view cpu_output() const override { return {out_.data(), out_.size() * sizeof(float)}; }
  void keep_reference() override { ref_ = out_; }
  verification check(output_view got) const override { return verify_close(ref_, as_span<float>(got), tol_); }

 protected:
  std::vector<float> out_, ref_;
  tolerance tol_;
};

// Sums (reduce, fp32 scan): checked against a double-precision reference
// within a per-element bound; keep_reference() fills ref_ and bound_.
class bounded_point : public workload_point {
 public:
  output_view cpu_output() const override { return {out_.data(), out_.size() * sizeof(float)}; }
  verification check(output_view got) const override { return verify_within(ref_, as_span<float>(got), bound_); }

 protected:
  std::vector<float> out_;
  std::vector<double> ref_, bound_;
};

// Exact results (sorting, integer scans): bit-equal to the reference.
class exact_point : public workload_point {
 public:
  output_view cpu_output() const override { return {out_.data(), out_.size() * sizeof(uint32_t)}; }
  void keep_reference() override { ref_ = out_; }
  verification check(output_view got) const override { return verify_equal(ref_, as_span<uint32_t>(got)); }

 protected:
  std::vector<uint32_t> out_, ref_;
};

}  // namespace accel
