#include "cgroup.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
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

// A positive number written alone, else 0 ("max", -1, empty, junk).
double positive(const std::string& text) {
  try {
    size_t n = 0;
    const double v = std::stod(text, &n);
    return n == text.size() && v > 0 ? v : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

// CPUs = quota / period from two numbers as text; 0 when either is not one.
double quota_over_period(const std::string& quota, const std::string& period) {
  const double q = positive(quota), per = positive(period);
  return q > 0 && per > 0 ? q / per : 0;
}

// `best` becomes v when v is a limit (> 0) smaller than it, or the first one.
void keep_smallest(double& best, double v) {
  if (v > 0 && (best == 0 || v < best)) best = v;
}

// The smallest limit over the cgroup at `cgroup_path` under the mount `top`
// and its parents up to `top` (a limit on a parent bounds every cgroup below
// it). Folders that do not exist are skipped: inside a container the path is
// often the host's, and the mount shows the container's own cgroup at the
// top. A path outside the namespace's root ("/../..") reads the top only.
template <typename ReadLimit>
double smallest_along(const fs::path& top, const std::string& cgroup_path, ReadLimit read) {
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

// The smallest limit of one controller over every hierarchy the process is
// in: cgroup v2's ("0::path") read by read_v2, and a v1 hierarchy that has
// the controller, mounted under one of v1_mounts, read by read_v1.
template <typename ReadV2, typename ReadV1>
double smallest_limit(const std::string& proc_self_cgroup, const std::string& cgroup_root, const std::string& controller,
                      std::initializer_list<const char*> v1_mounts, ReadV2 read_v2, ReadV1 read_v1) {
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
      keep_smallest(best, smallest_along(root, path, read_v2));
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    bool has = false;
    while (std::getline(names, name, ',')) has |= name == controller;
    if (!has) continue;
    for (const char* mount : v1_mounts)
      if (std::error_code ec; fs::exists(root / mount, ec)) keep_smallest(best, smallest_along(root / mount, path, read_v1));
  }
  return best;
}

std::string proc_self_cgroup() {
  std::ifstream f("/proc/self/cgroup");
  std::stringstream text;
  text << f.rdbuf();
  return text.str();
}

}  // namespace

double cgroup_cpu_quota(const std::string& proc_self_cgroup, const std::string& cgroup_root) {
  return smallest_limit(
      proc_self_cgroup, cgroup_root, "cpu", {"cpu", "cpu,cpuacct", "cpuacct,cpu"},
      [](const fs::path& d) {
        std::istringstream max(first_line(d / "cpu.max"));  // "max 100000" or "200000 100000"
        std::string q, per;
        max >> q >> per;
        return quota_over_period(q, per);
      },
      [](const fs::path& d) {
        return quota_over_period(first_line(d / "cpu.cfs_quota_us"), first_line(d / "cpu.cfs_period_us"));
      });
}

uint64_t cgroup_memory_limit(const std::string& proc_self_cgroup, const std::string& cgroup_root) {
  return uint64_t(smallest_limit(
      proc_self_cgroup, cgroup_root, "memory", {"memory"},
      [](const fs::path& d) { return positive(first_line(d / "memory.max")); },  // "max" or bytes
      [](const fs::path& d) { return positive(first_line(d / "memory.limit_in_bytes")); }));
}

double cgroup_cpu_quota() {
  static const double quota = cgroup_cpu_quota(proc_self_cgroup(), "/sys/fs/cgroup");
  return quota;
}

uint64_t cgroup_memory_limit() {
  static const uint64_t limit = cgroup_memory_limit(proc_self_cgroup(), "/sys/fs/cgroup");
  return limit;
}

}  // namespace accel
