#include "mlp_model.hpp"

#include <cmath>
#include <stdexcept>

#include "rng.hpp"

namespace accel {

double mlp_model::flops_per_sample() const {
  double f = 0;
  for (int l = 0; l < layers(); ++l) f += 2.0 * widths[l] * widths[l + 1];
  return f;
}

double mlp_model::min_bytes(int batch) const {
  double params = 0;
  for (int l = 0; l < layers(); ++l) params += double(widths[l]) * widths[l + 1] + widths[l + 1];
  return 4.0 * (params + double(batch) * (input_width() + output_width()));
}

mlp_model make_mlp(const std::vector<int>& widths, uint64_t seed) {
  if (widths.size() < 2) throw std::invalid_argument("an MLP needs at least two layer widths");
  for (int w : widths)
    if (w <= 0) throw std::invalid_argument("layer widths must be positive");
  mlp_model m;
  m.widths = widths;
  rng r(seed);
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const double stdev = std::sqrt(2.0 / widths[l]);
    std::vector<float> w(size_t(widths[l]) * size_t(widths[l + 1]));
    for (auto& x : w) x = static_cast<float>(stdev * r.normal());
    std::vector<float> b(static_cast<size_t>(widths[l + 1]));
    for (auto& x : b) x = static_cast<float>(0.1 * r.normal());
    m.weights.push_back(std::move(w));
    m.biases.push_back(std::move(b));
  }
  return m;
}

std::vector<float> make_mlp_input(const mlp_model& m, int batch, uint64_t seed) {
  rng r(seed);
  std::vector<float> x(size_t(batch) * size_t(m.input_width()));
  for (auto& v : x) v = static_cast<float>(r.uniform(-1.0, 1.0));
  return x;
}

}  // namespace accel
