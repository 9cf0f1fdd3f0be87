#include "cpu_threads.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace accel {

namespace {

namespace fs = std::filesystem;

// The first line of a small file; "" when it cannot be read.
std::string first_line(const fs::path& p) {
  std::ifstream f(p);
  std::string line;
  std::getline(f, line);
  return line;
}

// CPUs = quota / period from two numbers as text; 0 for "max", -1 or junk.
double quota_over_period(const std::string& quota, const std::string& period) {
  try {
    size_t qn = 0, pn = 0;
    const double q = std::stod(quota, &qn), per = std::stod(period, &pn);
    if (qn != quota.size() || pn != period.size() || !(q > 0) || !(per > 0)) return 0;
    return q / per;
  } catch (const std::exception&) {
    return 0;  // "max", empty, not a number
  }
}

// `best` becomes q when q is a quota (> 0) smaller than it, or the first one.
void keep_smallest(double& best, double q) {
  if (q > 0 && (best == 0 || q < best)) best = q;
}

// The smallest quota over the cgroup at `cgroup_path` under the mount `top`
// and its parents up to `top` (a quota on a parent bounds every cgroup below
// it). Folders that do not exist are skipped: inside a container the path is
// often the host's, and the mount shows the container's own cgroup at the
// top. A path outside the namespace's root ("/../..") reads the top only.
template <typename ReadQuota>
double smallest_quota(const fs::path& top, const std::string& cgroup_path, ReadQuota read) {
  double best = 0;
  fs::path rel = fs::path(cgroup_path).relative_path();
  if (std::find(rel.begin(), rel.end(), fs::path("..")) != rel.end()) rel.clear();
  for (;;) {
    keep_smallest(best, read(top / rel));
    if (rel.empty()) break;
    rel = rel.parent_path();
  }
  return best;
}

}  // namespace

double cgroup_cpu_quota(const std::string& proc_self_cgroup, const std::string& cgroup_root) {
  const fs::path root(cgroup_root);
  std::istringstream lines(proc_self_cgroup);
  std::string line;
  double best = 0;
  while (std::getline(lines, line)) {
    // "hierarchy-id:controllers:path"; v2 is "0::path".
    const size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (controllers.empty()) {
      keep_smallest(best, smallest_quota(root, path, [](const fs::path& d) {
        std::istringstream max(first_line(d / "cpu.max"));  // "max 100000" or "200000 100000"
        std::string q, per;
        max >> q >> per;
        return quota_over_period(q, per);
      }));
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    bool cpu = false;
    while (std::getline(names, name, ',')) cpu |= name == "cpu";
    if (!cpu) continue;
    for (const char* mount : {"cpu", "cpu,cpuacct", "cpuacct,cpu"})
      if (std::error_code ec; fs::exists(root / mount, ec))
        keep_smallest(best, smallest_quota(root / mount, path, [](const fs::path& d) {
          return quota_over_period(first_line(d / "cpu.cfs_quota_us"), first_line(d / "cpu.cfs_period_us"));
        }));
  }
  return best;
}

double cgroup_cpu_quota() {
  static const double quota = [] {
    std::ifstream f("/proc/self/cgroup");
    std::stringstream text;
    text << f.rdbuf();
    return cgroup_cpu_quota(text.str(), "/sys/fs/cgroup");
  }();
  return quota;
}

int cpu_threads_available() { return omp_get_num_procs(); }

void set_cpu_threads(int n) {
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
}

int cpu_threads() { return Eigen::nbThreads(); }

std::string eigen_version() {
  return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION);
}

// Eigen's SimdInstructionSetsInUse() says "AVX" for an AVX2 + FMA build too;
// its configuration macros say which packet kernels it really compiled.
std::string eigen_simd() {
  std::string s;
  auto add = [&s](const char* isa) {
    if (!s.empty()) s += ' ';
    s += isa;
  };
#ifdef EIGEN_VECTORIZE_AVX512
  add("avx512f");
#endif
#ifdef EIGEN_VECTORIZE_AVX2
  add("avx2");
#endif
#ifdef EIGEN_VECTORIZE_FMA
  add("fma");
#endif
#ifdef EIGEN_VECTORIZE_AVX
  add("avx");
#endif
#ifdef EIGEN_VECTORIZE_SSE4_2
  add("sse4.2");
#elif defined(EIGEN_VECTORIZE_SSE2)
  add("sse2");
#endif
#ifdef EIGEN_VECTORIZE_NEON
  add("neon");
#endif
#ifdef EIGEN_VECTORIZE_SVE
  add("sve");
#endif
  return s.empty() ? "no SIMD" : s;
}

}  // namespace accel
