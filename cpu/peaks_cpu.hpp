// This CPU's ceilings, measured over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>

namespace accel {

struct cpu_peaks {
  // Every figure is the best of 10 rounds that take the four in turn. Memory
  // bandwidth by three access patterns: which one a machine serves fastest
  // differs (write-allocate traffic, per-core limits on outstanding reads),
  // so the roofline takes the best of them.
  double triad_gb_per_s = 0;   // STREAM-style a = b + s*c, 3 arrays counted (a's write-allocate read not)
  double read_gb_per_s = 0;    // sum of one array: reads only
  double update_gb_per_s = 0;  // c = s*b + c in place: b read, c read and written, all real traffic
  double fma_gflops = 0;       // independent vector FMA chains in registers, passes of ~25 ms
};

// `array_bytes`: size of each array (use well beyond the last-level cache).
cpu_peaks measure_cpu_peaks(size_t array_bytes = size_t(128) << 20);

}  // namespace accel
