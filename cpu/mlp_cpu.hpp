// MLP forward pass on the CPU: the fast path (Eigen + OpenMP, fp32) and a
// naive double-precision reference that tests check the fast paths against.
#pragma once
#include <memory>

#include "mlp_model.hpp"

namespace accel {

// One model's CPU state: its weights packed for the CPU kernel, at
// construction (when a model is loaded; the GPU path likewise copies them to
// the device once), and scratch activations reused between calls, so timing
// excludes both. The model must outlive the workspace and not change after
// its construction.
class mlp_cpu_workspace {
 public:
  explicit mlp_cpu_workspace(const mlp_model& m);
  ~mlp_cpu_workspace();
  const mlp_model& model;
  struct buffers;
  std::unique_ptr<buffers> b;
};

// x: batch x widths[0] row-major; out: batch x widths.back() row-major,
// softmax probabilities. Uses cpu_threads() cores. `ws` must be m's
// (std::invalid_argument otherwise).
void mlp_forward_cpu(const mlp_model& m, const float* x, int batch, float* out, mlp_cpu_workspace& ws);

// Plain loops in double: slow, obviously right. For tests only.
void mlp_forward_reference(const mlp_model& m, const float* x, int batch, double* out);

}  // namespace accel
