// Device discovery: what the CUDA runtime and driver report.
#include <cuda_runtime.h>

#include <atomic>
#include <memory>
#include <vector>

#include "cuda_util.cuh"

#include "gpu.hpp"

namespace accel::gpu {

bool built_with_cuda() { return true; }

namespace {
std::atomic<int> g_fault{0};
}
int injected_fault() { return g_fault.load(std::memory_order_relaxed); }
void set_fault(fault f) { g_fault.store(static_cast<int>(f)); }

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

std::shared_ptr<void> occupy_device_memory(int device, uint64_t leave_free_bytes) {
  ACCEL_CUDA(cudaSetDevice(device));
  std::shared_ptr<std::vector<void*>> held(new std::vector<void*>, [](std::vector<void*>* v) {
    for (void* p : *v) cudaFree(p);
    delete v;
  });
  // Large blocks first, then halving down to 64 KiB: the driver hands memory
  // out in pages, so the last few MiB go in small blocks.
  for (size_t block = size_t(1) << 30; block >= (size_t(1) << 16); block /= 2) {
    for (;;) {
      size_t free_b = 0, total_b = 0;
      ACCEL_CUDA(cudaMemGetInfo(&free_b, &total_b));
      if (free_b <= leave_free_bytes || free_b - leave_free_bytes < block) break;
      void* p = nullptr;
      if (cudaMalloc(&p, block) != cudaSuccess) {
        cudaGetLastError();  // an out-of-memory is not sticky
        break;
      }
      held->push_back(p);
    }
  }
  return held;
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
