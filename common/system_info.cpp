#include "system_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

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

system_info collect_host_info(int cpu_threads_used) {
  system_info s;
  s.cpu_model = cpu_model_name();
  s.cpu_cores = static_cast<int>(std::thread::hardware_concurrency());
  s.cpu_threads_used = cpu_threads_used;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  s.memory_bytes = pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
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
