#include "capacity.hpp"

#include <algorithm>

#include "gpu.hpp"
#include "memory_tracker.hpp"

namespace accel {

json measure_capacity(const run_config& cfg, const gpu_probe& gpu, uint64_t limit_bytes) {
  // The device buffers an MLP run holds (gpu/mlp_gpu.cu): weights and biases,
  // plus per batch row the input, two hidden activations and the output.
  const auto& w = cfg.layers;
  double fixed = 0;
  int64_t hidden = 0;
  for (size_t l = 0; l + 1 < w.size(); ++l) fixed += 4.0 * double(w[l] * w[l + 1] + w[l + 1]);
  for (size_t l = 1; l + 1 < w.size(); ++l) hidden = std::max(hidden, w[l]);
  const double per_row = 4.0 * double(w.front() + 2 * hidden + w.back());
  json j = {{"workload", "mlp"}, {"layers", w}, {"fixed_bytes", fixed}, {"bytes_per_batch_row", per_row}};

  uint64_t basis = limit_bytes;
  std::string basis_name = "device_memory_limit";
  if (basis == 0) {
    uint64_t free_b = 0, total_b = 0;
    if (!gpu.usable || !gpu::memory_info(cfg.device, free_b, total_b)) {
      j["measured"] = false;
      j["reason"] = gpu.usable ? "cudaMemGetInfo failed" : (gpu.built_with_cuda ? "no GPU: " : "") + gpu.reason;
      return j;
    }
    basis = free_b;
    basis_name = "device_free_bytes";
  }
  const int64_t largest = double(basis) > fixed ? int64_t((double(basis) - fixed) / per_row) : 0;
  j["measured"] = true;
  j["basis"] = basis_name;
  j["basis_bytes"] = basis;
  j["largest_batch"] = largest;
  if (!gpu.usable) {
    j["checked_by_allocation"] = nullptr;
    j["check_reason"] = (gpu.built_with_cuda ? "no GPU: " : "") + gpu.reason;
    return j;
  }
  const std::vector<int> widths(w.begin(), w.end());
  try {
    gpu::check_mlp_allocation(widths, int(std::min<int64_t>(largest, INT32_MAX)), cfg.device);
    j["checked_by_allocation"] = true;
  } catch (const gpu_error& e) {
    j["checked_by_allocation"] = false;
    j["check_reason"] = e.what();
  }
  if (device_memory().limit() != 0) {
    // One more row must not fit under the limit.
    try {
      gpu::check_mlp_allocation(widths, int(std::min<int64_t>(largest + 1, INT32_MAX)), cfg.device);
      j["next_batch_refused"] = false;
    } catch (const gpu_error&) {
      j["next_batch_refused"] = true;
    }
  }
  return j;
}

}  // namespace accel
