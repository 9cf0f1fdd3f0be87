// The CPU caches: their sizes (Linux's /sys) and, for --cache cold, their
// eviction between timed calls.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace accel {

// The last-level cache of CPU 0 (Linux's /sys), else 32 MiB.
size_t last_level_cache_bytes();

// The last-level caches that `cpus` can fill, summed once each (a cache
// shared by several of them counts once), from a sysfs directory laid out as
// /sys/devices/system/cpu; 0 when nothing there can be read.
size_t reachable_llc_bytes(const std::string& cpu_dir, const std::vector<int>& cpus);

// What evict_cpu_caches reads: twice the last-level caches this process's
// CPUs can fill (its affinity), or twice last_level_cache_bytes() when /sys
// says nothing.
size_t cpu_eviction_bytes();

// Evicts what earlier calls left in the CPU caches: reads every cache line of
// a buffer of cpu_eviction_bytes() over all the threads this process may use,
// so each core's private caches and every shared cache it reaches fill with
// clean lines of that buffer (reads only: nothing dirty for the next call to
// write back). The buffer is made on the first call and kept.
void evict_cpu_caches();

}  // namespace accel
