// What the CUDA runtime says about the GPUs: plain structs, no CUDA or JSON
// types, so both gpu/ (nvcc) and the report (g++) can use them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accel {

struct gpu_info {
  std::string name;
  std::string compute_capability;  // "9.0"
  int sm_count = 0;
  uint64_t memory_bytes = 0;
  int clock_mhz = 0;
  double memory_bandwidth_gbs = 0;  // datasheet-style: 2 * memory clock * bus width / 8
  std::string pci_bus_id;           // "0000:3B:00.0": how NVML finds the same device
};

struct cuda_info {
  int runtime_version = 0;  // e.g. 13000
  int driver_version = 0;   // 0 when no driver is installed
};

struct gpu_probe {
  bool built_with_cuda = false;
  bool usable = false;
  std::string reason;             // why not usable: "built without CUDA", the driver's words, ...
  std::optional<cuda_info> cuda;  // null when built without CUDA
  std::vector<gpu_info> gpus;
};

}  // namespace accel
