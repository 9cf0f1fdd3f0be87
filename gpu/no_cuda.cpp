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
bool memory_info(int, uint64_t&, uint64_t&) { return false; }
cold_start measure_cold_start(int) { throw gpu_error("built without CUDA"); }
std::string load_cublas() { throw gpu_error("built without CUDA"); }
std::shared_ptr<void> occupy_device_memory(int, uint64_t) { throw gpu_error("built without CUDA"); }

void check_mlp_allocation(const std::vector<int>&, int, int) { throw gpu_error("built without CUDA"); }

std::unique_ptr<device_run> make_mlp_run(const std::string&, int, const mlp_model&, const float*, int) {
  throw gpu_error("built without CUDA");
}

namespace {
const std::vector<std::string>& variants(std::initializer_list<const char*> names, std::vector<std::string>& v) {
  if (v.empty())
    for (const char* n : names) v.emplace_back(n);
  return v;
}
[[noreturn]] void no_cuda() { throw gpu_error("built without CUDA"); }
}  // namespace

gpu_peaks measure_gpu_peaks(int) { no_cuda(); }

// The variant names match the CUDA build's, so reports compare across builds.
const std::vector<std::string>& batched_gemm_variants() {
  static std::vector<std::string> v;
  return variants({"custom", "cublas"}, v);
}
const std::vector<std::string>& reduce_variants() {
  static std::vector<std::string> v;
  return variants({"custom", "cub"}, v);
}
const std::vector<std::string>& scan_variants() {
  static std::vector<std::string> v;
  return variants({"thrust"}, v);
}
const std::vector<std::string>& sort_variants() {
  static std::vector<std::string> v;
  return variants({"thrust"}, v);
}
const std::vector<std::string>& elementwise_variants() {
  static std::vector<std::string> v;
  return variants({"custom"}, v);
}
std::unique_ptr<device_run> make_batched_gemm_run(const std::string&, int, int, int64_t, const float*, const float*) {
  no_cuda();
}
std::unique_ptr<device_run> make_reduce_run(const std::string&, int, const float*, size_t, size_t) { no_cuda(); }
std::unique_ptr<device_run> make_scan_run(const std::string&, int, bool, const void*, size_t) { no_cuda(); }
std::unique_ptr<device_run> make_sort_run(const std::string&, int, const uint32_t*, size_t, bool) { no_cuda(); }
std::unique_ptr<device_run> make_elementwise_run(const std::string&, int, bool, float, const float*, const float*,
                                                 size_t) {
  no_cuda();
}

}  // namespace accel::gpu
