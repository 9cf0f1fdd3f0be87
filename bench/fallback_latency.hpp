// CPU fallback latency: how long a request takes when the GPU is unusable and
// the CPU answers, per trigger, beside a direct CPU call on the same input.
// Also GPU cold start. Both go into the report's `fallback` and `cold_start`.
#pragma once
#include <string>
#include <vector>

#include "config.hpp"
#include "gpu.hpp"
#include "report.hpp"

namespace accel {

json measure_fallback(const run_config& cfg, const gpu_probe& gpu);
json measure_cold_start(const run_config& cfg, const gpu_probe& gpu);
// The report's `cold_start` section of a measured cold start.
json cold_start_json(const gpu::cold_start& c);

// The child-process halves (hidden verbs `accelbench internal ...`): print one
// JSON line on stdout.
int internal_first_request(const std::vector<int64_t>& layers, int batch, uint64_t seed, int threads, int device,
                           const std::string& fault);
int internal_cold_start(int device);

}  // namespace accel
