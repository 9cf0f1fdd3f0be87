// Device discovery: what the CUDA runtime and driver report.
#include <cuda_runtime.h>

#include <atomic>

#include "cuda_util.cuh"

#include "gpu.hpp"

namespace accel::gpu {

bool built_with_cuda() { return true; }

namespace {
std::atomic<int> g_fault{0};
}
int injected_fault() { return g_fault.load(std::memory_order_relaxed); }
void set_fault(fault f) { g_fault.store(static_cast<int>(f)); }
fault current_fault() { return static_cast<fault>(g_fault.load()); }

bool memory_info(int device, uint64_t& free_bytes, uint64_t& total_bytes) {
  size_t f = 0, t = 0;
  if (cudaSetDevice(device) != cudaSuccess || cudaMemGetInfo(&f, &t) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  free_bytes = f;
  total_bytes = t;
  return true;
}

gpu_probe probe() {
  gpu_probe p;
  p.built_with_cuda = true;
  cuda_info info;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);  // 0 without a driver
  p.cuda = info;

  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    p.reason = cudaGetErrorString(e);
    // The runtime says "driver version is insufficient" when there is no driver at all.
    if (info.driver_version == 0) p.reason = "no NVIDIA driver found (" + p.reason + ")";
    cudaGetLastError();
    return p;
  }
  if (count == 0) {
    p.reason = "no CUDA device found";
    return p;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, d) != cudaSuccess) continue;
    gpu_info g;
    g.name = prop.name;
    g.compute_capability = std::to_string(prop.major) + "." + std::to_string(prop.minor);
    g.sm_count = prop.multiProcessorCount;
    g.memory_bytes = prop.totalGlobalMem;
    int clock_khz = 0, mem_clock_khz = 0, bus_bits = 0;
    cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, d);
    cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, d);
    cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, d);
    g.clock_mhz = clock_khz / 1000;
    // Double data rate: two transfers per memory clock, bus width in bits.
    g.memory_bandwidth_gbs = 2.0 * mem_clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
    char bus[32] = {};
    if (cudaDeviceGetPCIBusId(bus, sizeof bus, d) == cudaSuccess) g.pci_bus_id = bus;
    p.gpus.push_back(g);
  }
  cudaGetLastError();
  p.usable = !p.gpus.empty();
  if (!p.usable) p.reason = "no CUDA device could be queried";
  return p;
}

}  // namespace accel::gpu
