// The MLP prediction workload: batch x widths[0] inputs through a dense
// ReLU network with a softmax output; fp32 on both sides.

#include "mlp.hpp"

#include "config.hpp"
#include "gpu.hpp"
#include "mlp_cpu.hpp"
#include "point_base.hpp"
#include "rng.hpp"

namespace accel {

namespace {

constexpr int64_t kMaxWidth = int64_t(1) << 16;

class mlp_point final : public float_point {
 public:
  mlp_point(const std::vector<int>& widths, int batch, uint64_t seed)
      : model_(make_mlp(widths, derive_seed(seed, 1))),
        input_(make_mlp_input(model_, batch, derive_seed(seed, 2))),
        batch_(batch),
        ws_(model_) {
    out_.resize(size_t(batch) * model_.output_width());
    flops = model_.flops_per_sample() * batch;
    bytes = model_.min_bytes(batch);
    items = batch;
    // fp32 GEMMs with K up to a few thousand, different summation orders on
    // each side: relative error ~ sqrt(K) * 2^-24 per logit, amplified by exp.
    tol_ = {1e-5, 1e-3};
  }
  void run_cpu(int) override { mlp_forward_cpu(model_, input_.data(), batch_, out_.data(), ws_); }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_mlp_run(variant, device, model_, input_.data(), batch_);
  }

 private:
  mlp_model model_;
  std::vector<float> input_;
  int batch_;
  mlp_cpu_workspace ws_;
};

}  // namespace

std::vector<int> parse_layers(const std::string& text) {
  std::vector<int> w;
  for (int64_t v : parse_int_list("layers", text)) {
    if (v < 1 || v > kMaxWidth)
      throw input_error("layers: width " + std::to_string(v) + " is not in [1, " + std::to_string(kMaxWidth) + "]");
    w.push_back(int(v));
  }
  if (w.size() < 2) throw input_error("layers: give at least two widths (input and output), e.g. \"512,1024,64\"");
  return w;
}

workload make_mlp_workload() {
  workload w;
  w.name = std::string("mlp");
  w.description = std::string("MLP inference: dense layers, bias + ReLU, softmax output (fp32)");
  w.items_name = std::string("predictions");
  w.cpu_variants = {{"eigen", true}};
  w.gpu_variants = gpu::mlp_variants();
  w.parameters = {{"batch", "samples per call", {}, 1, int64_t(1) << 24},
                  {"layers", "layer widths, input first, e.g. \"512,1024,64\"", {}, 0, 0}};
  w.size_param = std::string("batch");
  w.check = [](const json& p) { (void)parse_layers(str_param(p, "layers")); };
  // Host side: weights, input, output and two activations; the same again as
  // pinned staging for the GPU; and the CPU kernel's packed copy of the weights.
  w.host_bytes = [](const json& p) {
    const auto widths = parse_layers(str_param(p, "layers"));
    double params = 0, widest = 0;
    for (size_t i = 0; i < widths.size(); ++i) {
      widest = std::max(widest, double(widths[i]));
      if (i + 1 < widths.size()) params += double(widths[i]) * widths[i + 1];
    }
    return 12.0 * params + 32.0 * double(int_param(p, "batch")) * widest;
  };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<mlp_point>(parse_layers(str_param(p, "layers")), int(int_param(p, "batch")), seed);
  };
  return w;
}

}  // namespace accel
