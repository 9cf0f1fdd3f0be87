// The MLP prediction workload: batch x widths[0] inputs through a dense
// ReLU network with a softmax output; fp32 on both sides.
#include <sstream>

#include "gpu.hpp"
#include "mlp_cpu.hpp"
#include "rng.hpp"
#include "workload.hpp"

namespace accel {

namespace {

std::string widths_string(const std::vector<int>& w) {
  std::ostringstream s;
  for (size_t i = 0; i < w.size(); ++i) s << (i ? "," : "") << w[i];
  return s.str();
}

class mlp_point final : public workload_point {
 public:
  mlp_point(const std::vector<int>& widths, int batch, uint64_t seed)
      : model_(make_mlp(widths, derive_seed(seed, 1))),
        input_(make_mlp_input(model_, batch, derive_seed(seed, 2))),
        output_(size_t(batch) * model_.output_width()),
        batch_(batch) {
    flops = model_.flops_per_sample() * batch;
    bytes = model_.min_bytes(batch);
    items = batch;
    // fp32 GEMMs with K up to a few thousand, different summation orders on
    // each side: relative error ~ sqrt(K) * 2^-24 per logit, amplified by exp.
    tol = {1e-5, 1e-3};
  }
  void run_cpu() override { mlp_forward_cpu(model_, input_.data(), batch_, output_.data(), ws_); }
  std::span<const float> cpu_output() const override { return output_; }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_mlp_run(variant, device, model_, input_.data(), batch_);
  }

 private:
  mlp_model model_;
  std::vector<float> input_, output_;
  int batch_;
  mlp_cpu_workspace ws_;
};

std::vector<int> widths_from(const json& params) {
  std::vector<int> w;
  std::stringstream s(params.at("layers").get<std::string>());
  std::string tok;
  while (std::getline(s, tok, ',')) w.push_back(std::stoi(tok));
  return w;
}

}  // namespace

workload make_mlp_workload() {
  workload w;
  w.name = "mlp";
  w.description = "MLP inference: dense layers, bias + ReLU, softmax output (fp32)";
  w.items_name = "predictions";
  w.gpu_variants = gpu::mlp_variants();
  w.parameters = {"batch", "layers"};
  w.points = [](const run_config& c) {
    std::vector<int> widths(c.layers.begin(), c.layers.end());
    std::vector<json> pts;
    for (int64_t b : c.batch_sizes) pts.push_back({{"batch", b}, {"layers", widths_string(widths)}});
    return pts;
  };
  w.make_point = [](const json& params, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<mlp_point>(widths_from(params), params.at("batch").get<int>(), seed);
  };
  return w;
}

}  // namespace accel
