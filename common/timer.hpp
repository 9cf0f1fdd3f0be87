// Host wall-clock time for the CPU timings (plain C++17: nvcc includes it too).
#pragma once
#include <chrono>

namespace accel {

using host_clock = std::chrono::steady_clock;

inline double ns_since(host_clock::time_point t0) {
  return std::chrono::duration<double, std::nano>(host_clock::now() - t0).count();
}

}  // namespace accel
