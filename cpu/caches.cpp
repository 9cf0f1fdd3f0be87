#include "caches.hpp"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>

#include "cpu_threads.hpp"

namespace accel {

namespace {

// "32768K" (Linux) -> bytes; 0 when unreadable.
size_t read_cache_size(const std::string& path) {
  std::ifstream f(path);
  size_t v = 0;
  std::string unit;
  if (!(f >> v)) return 0;
  f >> unit;
  if (unit == "K") return v << 10;
  if (unit == "M") return v << 20;
  return v;
}

std::string read_word(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  f >> s;
  return s;
}

// Where the eviction's sum goes, so that its reads stay.
volatile float eviction_sink = 0;

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

}  // namespace

size_t last_level_cache_bytes() {
  static const size_t bytes = [] {
    size_t best = 0;
    for (int i = 0; i < 8; ++i) {
      const std::string d = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/size";
      best = std::max(best, read_cache_size(d));
    }
    return best ? best : size_t(32) << 20;
  }();
  return bytes;
}

size_t reachable_llc_bytes(const std::string& cpu_dir, const std::vector<int>& cpus) {
  // Per level, each cache once: its CPUs (shared_cpu_list) name it.
  std::map<int, std::map<std::string, size_t>> levels;
  for (int cpu : cpus)
    for (int i = 0; i < 16; ++i) {
      const std::string d = cpu_dir + "/cpu" + std::to_string(cpu) + "/cache/index" + std::to_string(i) + "/";
      const std::string level = read_word(d + "level"), shared = read_word(d + "shared_cpu_list");
      if (level.empty() || shared.empty() || read_word(d + "type") == "Instruction") continue;
      const size_t size = read_cache_size(d + "size");
      if (size > 0) levels[std::atoi(level.c_str())][shared] = size;
    }
  if (levels.empty()) return 0;
  size_t sum = 0;
  for (const auto& [shared, size] : levels.rbegin()->second) sum += size;
  return sum;
}

size_t cpu_eviction_bytes() {
  static const size_t bytes = [] {
    const size_t llc = reachable_llc_bytes("/sys/devices/system/cpu", allowed_cpus());
    return 2 * (llc ? llc : last_level_cache_bytes());
  }();
  return bytes;
}

void evict_cpu_caches() {
  constexpr long kLineFloats = 16;  // one float per 64-byte line brings the line in
  const int threads = cpu_threads_available();
  const long n = long(cpu_eviction_bytes() / sizeof(float));
  // Filled in parallel, so that its pages lie where the threads that read them run.
  static const std::unique_ptr<float[]> buffer = [&] {
    std::unique_ptr<float[]> b(new float[size_t(n)]);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long i = 0; i < n; ++i) b[size_t(i)] = 1.f + float(i % 7);
    return b;
  }();
  float sum = 0;
#pragma omp parallel for schedule(static) reduction(+ : sum) num_threads(threads)
  for (long i = 0; i < n; i += kLineFloats) sum += buffer[size_t(i)];
  eviction_sink = sum;
}

}  // namespace accel
