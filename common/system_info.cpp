#include "system_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include "cgroup.hpp"

extern char** environ;  // POSIX: the process's environment

#ifndef ACCELBENCH_CPU_FLAGS
#define ACCELBENCH_CPU_FLAGS "unknown"
#endif

namespace accel {

static std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

// OMP_*, GOMP_* (libgomp), KMP_* (LLVM's and Intel's OpenMP) and CUDA_* variables.
static std::map<std::string, std::string> run_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (!eq) continue;
    const std::string name(*e, size_t(eq - *e));
    for (const char* prefix : {"OMP_", "GOMP_", "KMP_", "CUDA_"})
      if (name.rfind(prefix, 0) == 0) env[name] = eq + 1;
  }
  return env;
}

system_info collect_host_info(int cpu_threads_used) {
  system_info s;
  s.env = run_environment();
  s.cpu_model = cpu_model_name();
  s.cpu_cores = static_cast<int>(std::thread::hardware_concurrency());
  s.cpu_threads_used = cpu_threads_used;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  s.memory_bytes = pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
  s.cpu_quota = cgroup_cpu_quota();
  // cgroup v1 writes "no limit" as a number near 2^63: only a limit below the RAM counts.
  if (const uint64_t limit = cgroup_memory_limit(); limit && (limit < s.memory_bytes || !s.memory_bytes))
    s.memory_limit_bytes = limit;
  struct utsname u {};
  if (::uname(&u) == 0) s.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
#if defined(__clang__)
  s.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  s.compiler = "g++ " __VERSION__;
#else
  s.compiler = "unknown";
#endif
  // What the compiler really enabled (-march=native resolves per machine).
  s.flags = ACCELBENCH_CPU_FLAGS " [isa:"
#ifdef __AVX512F__
            " avx512f"
#endif
#ifdef __AVX2__
            " avx2"
#endif
#ifdef __FMA__
            " fma"
#endif
#ifdef __AVX__
            " avx"
#endif
#ifdef __SSE4_2__
            " sse4.2"
#endif
#ifdef __ARM_NEON
            " neon"
#endif
            "]";
  return s;
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace accel
