// scan: inclusive prefix sum of int32 or fp32. CPU: a blocked parallel scan
// (OpenMP, the reference and baseline) beside std::inclusive_scan on one core.
// int32 results must be exact; fp32 ones lie within a bound that grows with
// the magnitude summed so far (checked against a double-precision scan).
#include <cmath>

#include "scan_cpu.hpp"
#include "gpu.hpp"
#include "point_base.hpp"

namespace accel {

namespace {

// Values in [-8, 8]: prefix sums of up to 2^30 terms wander far from INT32_MAX.
class scan_int_point final : public exact_point {
 public:
  scan_int_point(size_t n, uint64_t seed) : x_(random_ints(n, derive_seed(seed, 31), -8, 8)) {
    out_.resize(n);
    flops = double(n);
    bytes = 2.0 * double(n) * sizeof(int32_t);
    items = double(n);
  }
  void run_cpu(int v) override {
    auto* y = reinterpret_cast<int32_t*>(out_.data());
    if (v == 0)
      inclusive_scan_parallel(x_.data(), y, x_.size());
    else
      inclusive_scan_std(x_.data(), y, x_.size());
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_scan_run(variant, device, false, x_.data(), x_.size());
  }

 private:
  std::vector<int32_t> x_;
};

class scan_float_point final : public bounded_point {
 public:
  scan_float_point(size_t n, uint64_t seed) : x_(random_floats(n, derive_seed(seed, 32))) {
    out_.resize(n);
    flops = double(n);
    bytes = 2.0 * double(n) * sizeof(float);
    items = double(n);
  }
  void run_cpu(int v) override {
    if (v == 0)
      inclusive_scan_parallel(x_.data(), out_.data(), x_.size());
    else
      inclusive_scan_std(x_.data(), out_.data(), x_.size());
  }
  void keep_reference() override {
    ref_.resize(x_.size());
    bound_.resize(x_.size());
    double s = 0, a = 0;
    for (size_t i = 0; i < x_.size(); ++i) {
      s += x_[i];
      a += std::fabs(x_[i]);
      ref_[i] = s;
      // A sequential fp32 chain's rounding error is a random walk far inside
      // 1e-6 * sum|x| at these lengths; plus one ulp of the value itself.
      bound_[i] = 1e-6 * a + 1.2e-7 * std::fabs(s);
    }
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_scan_run(variant, device, true, x_.data(), x_.size());
  }

 private:
  std::vector<float> x_;
};

}  // namespace

workload make_scan_workload() {
  workload w;
  w.name = std::string("scan");
  w.description = std::string("inclusive prefix sum of int32 or fp32");
  w.items_name = std::string("elements");
  w.cpu_variants = {{"openmp", true}, {"std", false}};
  w.gpu_variants = gpu::scan_variants();
  w.parameters = {{"type", "element type", {"int32", "fp32"}}, {"n", "elements", {}, 1, int64_t(1) << 30}};
  w.size_param = std::string("n");
  // Input and output, the double reference and bound (fp32), pinned staging.
  w.host_bytes = [](const json& p) { return double(int_param(p, "n")) * (4.0 * 4 + 16.0); };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    const size_t n = size_t(int_param(p, "n"));
    if (str_param(p, "type") == "int32") return std::make_unique<scan_int_point>(n, seed);
    return std::make_unique<scan_float_point>(n, seed);
  };
  return w;
}

}  // namespace accel
