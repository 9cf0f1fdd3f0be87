// The largest MLP batch that fits the device (or --device-memory-limit),
// computed from the tracked footprint and checked by a real allocation.
#pragma once
#include <functional>

#include "config.hpp"
#include "gpu_info.hpp"
#include "report.hpp"

namespace accel {

// How the device is asked (tests pass fakes): its free memory, and a real
// allocation of the buffers an MLP run of `batch` holds, through the tracker
// (throws gpu_error when they do not fit).
struct capacity_probe {
  std::function<bool(uint64_t& free_bytes)> free_memory;
  std::function<void(int batch)> allocate;
};
// The real device (gpu.hpp: memory_info, check_mlp_allocation).
capacity_probe device_capacity_probe(const run_config& cfg);

// The basis is `limit_bytes` when not 0, else the device's free memory. When
// the computed batch does not allocate, `largest_allocated_batch` says what
// does (found by bisection with real allocations).
json measure_capacity(const run_config& cfg, const gpu_probe& gpu, uint64_t limit_bytes, const capacity_probe& probe);

}  // namespace accel
