// batched_gemm: `batch` independent n x n fp32 products C_i = A_i * B_i
// (column-major). CPU: fixed-size Eigen matrices, OpenMP over the batch.
#include "batched_gemm_cpu.hpp"
#include "gpu.hpp"
#include "point_base.hpp"

namespace accel {

namespace {

class batched_gemm_point final : public float_point {
 public:
  batched_gemm_point(int n, int64_t batch, uint64_t seed)
      : n_(n), batch_(batch), a_(random_floats(count(), derive_seed(seed, 11))),
        b_(random_floats(count(), derive_seed(seed, 12))) {
    out_.resize(count());
    flops = 2.0 * n * n * n * double(batch);
    bytes = 3.0 * double(count()) * sizeof(float);
    items = double(batch);
    // K <= 128 products of values in [-1, 1): |C| ~ sqrt(K)/3, fp32 rounding
    // of either summation order stays far below 1e-4.
    tol_ = {1e-4, 1e-4};
  }
  void run_cpu(int) override { batched_gemm_cpu(n_, batch_, a_.data(), b_.data(), out_.data()); }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_batched_gemm_run(variant, device, n_, batch_, a_.data(), b_.data());
  }

 private:
  size_t count() const { return size_t(n_) * n_ * size_t(batch_); }
  int n_;
  int64_t batch_;
  std::vector<float> a_, b_;
};

}  // namespace

workload make_batched_gemm_workload() {
  workload w;
  w.name = std::string("batched_gemm");
  w.description = std::string("many small independent products C_i = A_i * B_i (n x n, fp32)");
  w.items_name = std::string("matrices");
  w.cpu_variants = {{"eigen", true}};
  w.gpu_variants = gpu::batched_gemm_variants();
  w.parameters = {{"n", "matrix edge", {}, 16, 128}, {"batch", "matrices per call", {}, 1, int64_t(1) << 20}};
  w.size_param = std::string("batch");
  w.check = [](const json& p) {
    const int64_t n = int_param(p, "n");
    if (n != 16 && n != 32 && n != 64 && n != 128) throw input_error("n: " + std::to_string(n) + " is not 16, 32, 64 or 128");
  };
  // A, B, C on the CPU; A+B packed, pinned A+B and C for the GPU.
  w.host_bytes = [](const json& p) {
    const double n = double(int_param(p, "n"));
    return 4.0 * n * n * double(int_param(p, "batch")) * 8.0;
  };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<batched_gemm_point>(int(int_param(p, "n")), int_param(p, "batch"), seed);
  };
  return w;
}

}  // namespace accel
