// What a container or a CI runner's cgroup allows this process: CPU time
// (a quota) and memory (a limit), either below what the machine has.
#pragma once
#include <cstdint>
#include <string>

namespace accel {

// The CPUs' worth of time a cgroup CPU quota (a container's --cpus, a CI
// runner's limit) allows this process per scheduling period, e.g. 2.5: the
// smallest along its cgroup path; 0 when there is none or it cannot be read.
double cgroup_cpu_quota();
// The bytes of memory a cgroup memory limit (a container's --memory, a pod's
// limit) allows this process: the smallest along its cgroup path; 0 when
// there is none or it cannot be read.
uint64_t cgroup_memory_limit();

// The same from the text of /proc/self/cgroup and the cgroup mount root
// (/sys/fs/cgroup), for tests. CPU: cgroup v2 cpu.max, or v1
// cpu.cfs_quota_us over cpu.cfs_period_us under cpu/ or cpu,cpuacct/.
// Memory: v2 memory.max, or v1 memory/memory.limit_in_bytes.
double cgroup_cpu_quota(const std::string& proc_self_cgroup, const std::string& cgroup_root);
uint64_t cgroup_memory_limit(const std::string& proc_self_cgroup, const std::string& cgroup_root);

}  // namespace accel
