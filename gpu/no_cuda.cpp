// The GPU API when accelbench is built without nvcc: nothing is usable, and
// every request says why, so the harness falls back to the CPU.
#include "gpu.hpp"

namespace accel::gpu {

bool built_with_cuda() { return false; }

gpu_probe probe() {
  gpu_probe p;
  p.built_with_cuda = false;
  p.usable = false;
  p.reason = "built without CUDA";
  return p;
}

const std::vector<std::string>& mlp_variants() {
  static const std::vector<std::string> v{"custom", "cublas"};
  return v;
}

void set_fault(fault) {}
fault current_fault() { return fault::none; }
bool memory_info(int, uint64_t&, uint64_t&) { return false; }
cold_start measure_cold_start(int) { throw gpu_error("built without CUDA"); }

void check_mlp_allocation(const std::vector<int>&, int, int) { throw gpu_error("built without CUDA"); }

std::unique_ptr<device_run> make_mlp_run(const std::string&, int, const mlp_model&, const float*, int) {
  throw gpu_error("built without CUDA");
}

}  // namespace accel::gpu
