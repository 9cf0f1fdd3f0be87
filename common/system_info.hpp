// Facts about the host the report records: CPU, memory, OS, compiler, flags.
#pragma once
#include <string>

#include "report.hpp"

namespace accel {

// Fills the host fields of system_info (not the GPU or Eigen ones, nor
// cpu_allowed: "all" threads is cpu/cpu_threads.hpp's).
system_info collect_host_info(int cpu_threads_used);

// The host memory this process may use: the RAM, or a cgroup memory limit
// (a container's, a CI job's) when that is lower.
inline uint64_t usable_memory_bytes(const system_info& s) {
  return s.memory_limit_bytes ? s.memory_limit_bytes : s.memory_bytes;
}

// Now in UTC, ISO 8601 ("2026-11-23T18:59:00Z").
std::string utc_now_iso8601();

}  // namespace accel
