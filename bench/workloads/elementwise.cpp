// elementwise, the memory-bound reference: saxpy (out = a * x + y, written to
// a separate output so every call does the same work; the same bytes as the
// in-place y = a * x + y) and GELU (tanh form). CPU: Eigen arrays, one block
// per OpenMP thread.
#include "elementwise_cpu.hpp"
#include "gpu.hpp"
#include "point_base.hpp"

namespace accel {

namespace {

// Flops counted per element: saxpy 2 (one FMA); GELU 8 (x^3: 2, the affine
// step: 2, tanh: 1, 1 + t: 1, 0.5 x (...): 2).
class elementwise_point final : public float_point {
 public:
  elementwise_point(bool saxpy, size_t n, uint64_t seed)
      : saxpy_(saxpy), x_(random_floats(n, derive_seed(seed, 51), saxpy ? -1 : -4, saxpy ? 1 : 4)),
        y_(saxpy ? random_floats(n, derive_seed(seed, 52)) : std::vector<float>{}),
        a_(float(rng(derive_seed(seed, 53)).uniform(0.5, 2.0))) {
    out_.resize(n);
    flops = (saxpy ? 2.0 : 8.0) * double(n);
    bytes = (saxpy ? 3.0 : 2.0) * double(n) * sizeof(float);
    items = double(n);
    // FMA-or-not differences (saxpy) and tanh implementations (GELU) differ by a few ulp.
    tol_ = {1e-6, 1e-5};
  }
  void run_cpu(int) override {
    if (saxpy_)
      saxpy_cpu(a_, x_.data(), y_.data(), out_.data(), x_.size());
    else
      gelu_cpu(x_.data(), out_.data(), x_.size());
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_elementwise_run(variant, device, saxpy_, a_, x_.data(), y_.data(), x_.size());
  }

 private:
  bool saxpy_;
  std::vector<float> x_, y_;
  float a_;
};

}  // namespace

workload make_elementwise_workload() {
  workload w;
  w.name = std::string("elementwise");
  w.description = std::string("saxpy (out = a*x + y) and GELU over large fp32 arrays: the memory-bound reference");
  w.items_name = std::string("elements");
  w.cpu_variants = {{"eigen", true}};
  w.gpu_variants = gpu::elementwise_variants();
  w.parameters = {{"op", "saxpy or gelu", {"saxpy", "gelu"}}, {"n", "elements", {}, 1, int64_t(1) << 30}};
  w.size_param = std::string("n");
  w.host_bytes = [](const json& p) { return double(int_param(p, "n")) * 4.0 * 6; };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<elementwise_point>(str_param(p, "op") == "saxpy", size_t(int_param(p, "n")), seed);
  };
  return w;
}

}  // namespace accel
