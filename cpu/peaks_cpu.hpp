// This CPU's ceilings, measured over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>

namespace accel {

struct cpu_peaks {
  double triad_gb_per_s = 0;  // STREAM-style a = b + s*c, 3 arrays counted, best of 5
  double fma_gflops = 0;      // independent vector FMA chains in registers, best of 10 passes of ~25 ms
};

// `array_bytes`: size of each triad array (use well beyond the last-level cache).
cpu_peaks measure_cpu_peaks(size_t array_bytes = size_t(128) << 20);

}  // namespace accel
