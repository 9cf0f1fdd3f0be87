// This machine's ceilings: what `accelbench peaks` prints and what `run`
// records under system.peaks for the roofline columns (roofline.hpp).
#pragma once
#include <functional>

#include "gpu.hpp"
#include "report.hpp"

namespace accel {

// {"cpu": {threads, triad_gb_per_s, read_gb_per_s, update_gb_per_s, fma_gflops},
//  "gpu": {d2d_gb_per_s, read_gb_per_s, fma_gflops, h2d_gb_per_s, d2h_gb_per_s} | null,
//  "gpu_datasheet": {memory_gb_per_s, fp32_gflops, basis} | null,
//  "gpu_reason": why "gpu" is null}
// CPU figures over the current set_cpu_threads() count. `measure_gpu` is the
// GPU's probe (tests pass a fake one to see the GPU-side fields on any machine).
json measure_peaks(const gpu_probe& gpu, int device,
                   const std::function<gpu::gpu_peaks(int)>& measure_gpu = gpu::measure_gpu_peaks);

// Datasheet-style fp32 peak: SMs x fp32 lanes per SM x 2 x clock (0 when the
// architecture is unknown to this table).
double datasheet_fp32_gflops(const gpu_info& g);

}  // namespace accel
