#include "peaks.hpp"

#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "peaks_cpu.hpp"

namespace accel {

double datasheet_fp32_gflops(const gpu_info& g) {
  // fp32 lanes per SM by compute capability (CUDA C Programming Guide,
  // "Arithmetic Instructions" throughput table).
  const std::string& cc = g.compute_capability;
  int lanes = 0;
  if (cc == "7.0" || cc == "7.2" || cc == "7.5" || cc == "8.0") lanes = 64;
  else if (cc == "8.6" || cc == "8.7" || cc == "8.9" || cc == "9.0" || cc.rfind("10.", 0) == 0 || cc.rfind("12.", 0) == 0)
    lanes = 128;
  return double(g.sm_count) * lanes * 2.0 * g.clock_mhz / 1e3;
}

json measure_peaks(const gpu_probe& gpu, int device, const std::function<gpu::gpu_peaks(int)>& measure_gpu) {
  const cpu_peaks c = measure_cpu_peaks();
  json j = {{"cpu",
             {{"threads", cpu_threads()},
              {"triad_gb_per_s", c.triad_gb_per_s},
              {"read_gb_per_s", c.read_gb_per_s},
              {"update_gb_per_s", c.update_gb_per_s},
              {"fma_gflops", c.fma_gflops}}},
            {"gpu", nullptr},
            {"gpu_datasheet", nullptr},
            {"gpu_reason", nullptr}};
  if (!gpu.usable) {
    j["gpu_reason"] = gpu.reason;
    return j;
  }
  const gpu_info& g = gpu.gpus.at(size_t(device));
  j["gpu_datasheet"] = {{"memory_gb_per_s", g.memory_bandwidth_gbs},
                        {"fp32_gflops", datasheet_fp32_gflops(g)},
                        {"basis", "device properties: 2 x memory clock x bus width; SMs x fp32 lanes x 2 x boost clock"}};
  try {
    const gpu::gpu_peaks p = measure_gpu(device);
    j["gpu"] = {{"d2d_gb_per_s", p.d2d_gb_per_s},
                {"read_gb_per_s", p.read_gb_per_s},
                {"fma_gflops", p.fma_gflops},
                {"h2d_gb_per_s", p.h2d_gb_per_s},
                {"d2h_gb_per_s", p.d2h_gb_per_s}};
  } catch (const gpu_error& e) {
    j["gpu_reason"] = std::string("GPU ceilings not measured: ") + e.what();
  }
  return j;
}

}  // namespace accel
