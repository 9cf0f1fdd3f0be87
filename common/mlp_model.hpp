// The MLP's weights as plain data, shared by the CPU (cpu/) and GPU (gpu/) paths.
#pragma once
#include <cstdint>
#include <vector>

namespace accel {

// Layer l maps widths[l] -> widths[l+1]:  y = act(x * W_l + b_l), with W_l
// stored row-major as widths[l] x widths[l+1]. Hidden layers use ReLU, the
// last layer is followed by a row-wise softmax.
struct mlp_model {
  std::vector<int> widths;
  std::vector<std::vector<float>> weights;
  std::vector<std::vector<float>> biases;

  int layers() const { return static_cast<int>(widths.size()) - 1; }
  int input_width() const { return widths.front(); }
  int output_width() const { return widths.back(); }
  // Multiply-adds of one forward pass per sample, counted as 2 FLOPs each.
  double flops_per_sample() const;
  // Bytes one forward pass must move at least: weights + biases once, plus
  // the input and output rows of the batch.
  double min_bytes(int batch) const;
};

// He-initialised weights (normal, stdev sqrt(2 / fan_in)) and small random
// biases, all from `seed`.
mlp_model make_mlp(const std::vector<int>& widths, uint64_t seed);

// Input batch (batch x widths[0], row-major), uniform in [-1, 1).
std::vector<float> make_mlp_input(const mlp_model& m, int batch, uint64_t seed);

}  // namespace accel
