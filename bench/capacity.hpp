// The largest MLP batch that fits the device (or --device-memory-limit),
// computed from the tracked footprint and checked by a real allocation.
#pragma once
#include "config.hpp"
#include "gpu_info.hpp"
#include "report.hpp"

namespace accel {

json measure_capacity(const run_config& cfg, const gpu_probe& gpu, uint64_t limit_bytes);

}  // namespace accel
