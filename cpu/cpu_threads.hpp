// How many cores the CPU paths use (OpenMP and Eigen's own GEMM threads).
#pragma once
#include <string>

namespace accel {

// The threads "all" means: the logical CPUs this process may run on (its
// affinity). A cgroup CPU quota does not lower it (README, "CPU scaling").
int cpu_threads_available();
// The CPUs' worth of time a cgroup CPU quota (a container's --cpus, a CI
// runner's limit) allows this process per scheduling period, e.g. 2.5: the
// smallest along its cgroup path; 0 when there is none or it cannot be read.
double cgroup_cpu_quota();
// The same from the text of /proc/self/cgroup and the cgroup mount root
// (/sys/fs/cgroup), for tests: cgroup v2 cpu.max, or v1 cpu.cfs_quota_us
// over cpu.cfs_period_us under cpu/ or cpu,cpuacct/.
double cgroup_cpu_quota(const std::string& proc_self_cgroup, const std::string& cgroup_root);
void set_cpu_threads(int n);     // for OpenMP regions and Eigen's GEMM
int cpu_threads();
std::string eigen_version();     // "3.4.0"
std::string eigen_simd();        // the SIMD instruction sets Eigen vectorises with

}  // namespace accel
