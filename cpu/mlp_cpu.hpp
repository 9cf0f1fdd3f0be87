// MLP forward pass on the CPU: the fast path (Eigen + OpenMP, fp32) and a
// naive double-precision reference that tests check the fast paths against.
#pragma once
#include <memory>

#include "mlp_model.hpp"

namespace accel {

// Scratch activations reused between calls, so timing excludes allocation.
class mlp_cpu_workspace {
 public:
  mlp_cpu_workspace();
  ~mlp_cpu_workspace();
  struct buffers;
  std::unique_ptr<buffers> b;
};

// x: batch x widths[0] row-major; out: batch x widths.back() row-major,
// softmax probabilities. Uses cpu_threads() cores.
void mlp_forward_cpu(const mlp_model& m, const float* x, int batch, float* out, mlp_cpu_workspace& ws);

// Plain loops in double: slow, obviously right. For tests only.
void mlp_forward_reference(const mlp_model& m, const float* x, int batch, double* out);

}  // namespace accel
