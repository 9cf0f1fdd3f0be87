// How many cores the CPU paths use (OpenMP and Eigen's own GEMM threads).
#pragma once
#include <string>

namespace accel {

// The threads "all" means: the logical CPUs this process may run on (its
// affinity). A cgroup CPU quota (common/cgroup.hpp) does not lower it
// (README, "CPU scaling").
int cpu_threads_available();
void set_cpu_threads(int n);     // for OpenMP regions and Eigen's GEMM
int cpu_threads();
std::string eigen_version();     // "3.4.0"
std::string eigen_simd();        // the SIMD instruction sets Eigen vectorises with

}  // namespace accel
