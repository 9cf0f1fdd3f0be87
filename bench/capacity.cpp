#include "capacity.hpp"

#include <algorithm>

#include "gpu.hpp"

namespace accel {

namespace {

// The largest batch in [0, fails) whose buffers allocate, by bisection
// (whether a batch fits only grows with the batch); 0 when none does.
int64_t largest_that_allocates(int64_t fails, const std::function<void(int)>& allocate) {
  int64_t fits = 0;
  while (fails - fits > 1) {
    const int64_t mid = fits + (fails - fits) / 2;
    try {
      allocate(int(mid));
      fits = mid;
    } catch (const gpu_error&) {
      fails = mid;
    }
  }
  return fits;
}

}  // namespace

capacity_probe device_capacity_probe(const run_config& cfg) {
  const std::vector<int> widths(cfg.layers.begin(), cfg.layers.end());
  const int device = cfg.device;
  return {[device](uint64_t& free_bytes) {
            uint64_t total = 0;
            return gpu::memory_info(device, free_bytes, total);
          },
          [widths, device](int batch) { gpu::check_mlp_allocation(widths, batch, device); }};
}

json measure_capacity(const run_config& cfg, const gpu_probe& gpu, uint64_t limit_bytes, const capacity_probe& probe) {
  // The device buffers an MLP run holds (gpu/mlp_gpu.cu): weights and biases,
  // plus per batch row the input, two hidden activations and the output. The
  // custom variant's split-K workspace is left out: only batches of at most
  // 64 rows per SM have one, far below where a card fills up.
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
    uint64_t free_b = 0;
    if (!gpu.usable || !probe.free_memory(free_b)) {
      j["measured"] = false;
      j["reason"] = gpu.usable ? "cudaMemGetInfo failed" : (gpu.built_with_cuda ? "no GPU: " : "") + gpu.reason;
      return j;
    }
    basis = free_b;
    basis_name = "device_free_bytes";
  }
  // Batches are ints on the device side.
  const int64_t largest =
      double(basis) > fixed ? std::min<int64_t>(int64_t((double(basis) - fixed) / per_row), INT32_MAX - 1) : 0;
  j["measured"] = true;
  j["basis"] = basis_name;
  j["basis_bytes"] = basis;
  j["largest_batch"] = largest;
  if (!gpu.usable) {
    j["checked_by_allocation"] = nullptr;
    j["check_reason"] = (gpu.built_with_cuda ? "no GPU: " : "") + gpu.reason;
    return j;
  }
  try {
    probe.allocate(int(largest));
    j["checked_by_allocation"] = true;
  } catch (const gpu_error& e) {
    // The driver's free memory is not all allocatable (each buffer is rounded
    // up to the driver's page size): say what does fit.
    j["checked_by_allocation"] = false;
    j["check_reason"] = e.what();
    j["largest_allocated_batch"] = largest_that_allocates(largest, probe.allocate);
  }
  if (limit_bytes != 0) {
    // One more row must not fit under the limit.
    try {
      probe.allocate(int(largest + 1));
      j["next_batch_refused"] = false;
    } catch (const gpu_error&) {
      j["next_batch_refused"] = true;
    }
  }
  return j;
}

}  // namespace accel
