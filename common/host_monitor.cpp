#include "host_monitor.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace accel {

cpu_busy busy_of_cpus(std::istream& proc_stat, const std::function<bool(int)>& counted, long ticks_per_second) {
  cpu_busy b;
  std::string line;
  while (std::getline(proc_stat, line)) {
    // "cpuN user nice system idle iowait irq softirq steal ..."; the aggregate "cpu" line has no N.
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') continue;
    std::istringstream fields(line.substr(3));
    int n = -1;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(fields >> n >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || !counted(n)) continue;
    b.seconds += double(user + nice + system + irq + softirq + steal) / double(ticks_per_second);
    ++b.cpus;
  }
  return b;
}

namespace {

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// Busy seconds over the CPUs this process may run on, and their count.
cpu_busy busy_of_allowed_cpus() {
  const long tick = ::sysconf(_SC_CLK_TCK);
  if (tick <= 0) return {};
  cpu_set_t mask;
  CPU_ZERO(&mask);
  const bool known = ::sched_getaffinity(0, sizeof mask, &mask) == 0;
  std::ifstream in("/proc/stat");
  return busy_of_cpus(in, [&](int n) { return !known || (n >= 0 && n < CPU_SETSIZE && CPU_ISSET(n, &mask)); }, tick);
}

// Mean of the "cpu MHz" lines of /proc/cpuinfo (x86 and some others).
double mean_cpu_mhz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  double sum = 0;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.rfind("cpu MHz", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    try {
      sum += std::stod(line.substr(colon + 1));
      ++n;
    } catch (const std::exception&) {
    }
  }
  if (n > 0) return sum / n;
  std::ifstream f("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
  double khz = 0;
  return f >> khz ? khz / 1000.0 : 0.0;
}

}  // namespace

host_snapshot take_host_snapshot() {
  host_snapshot s;
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  s.process_cpu_s = process_cpu_seconds();
  const cpu_busy busy = busy_of_allowed_cpus();
  s.cpus_busy_s = busy.seconds;
  s.cpus = busy.cpus;
  s.cpu_mhz = mean_cpu_mhz();
  return s;
}

host_activity activity_between(const host_snapshot& before, const host_snapshot& after) {
  host_activity a;
  a.cpu_mhz_before = before.cpu_mhz;
  a.cpu_mhz_after = after.cpu_mhz;
  a.wall_s = after.wall_s - before.wall_s;
  a.process_cpu_s = after.process_cpu_s - before.process_cpu_s;
  const double capacity = a.wall_s * std::max(after.cpus, 1);
  if (capacity > 0 && after.cpus_busy_s > 0) {
    // /proc/stat counts in ticks (10 ms): short cases read as a little noise.
    const double others = (after.cpus_busy_s - before.cpus_busy_s) - a.process_cpu_s;
    a.other_busy_share = std::clamp(others / capacity, 0.0, 1.0);
  }
  return a;
}

host_activity combined(const host_activity& earlier, const host_activity& later) {
  host_activity a;
  a.cpu_mhz_before = earlier.cpu_mhz_before;
  a.cpu_mhz_after = later.cpu_mhz_after;
  a.wall_s = earlier.wall_s + later.wall_s;
  a.process_cpu_s = earlier.process_cpu_s + later.process_cpu_s;
  if (a.wall_s > 0)
    a.other_busy_share = (earlier.other_busy_share * earlier.wall_s + later.other_busy_share * later.wall_s) / a.wall_s;
  return a;
}

std::string cpu_governor() {
  std::ifstream in("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  std::string g;
  in >> g;
  return g;
}

double load_average_1min() {
  double l[1] = {-1};
  return ::getloadavg(l, 1) == 1 ? l[0] : -1;
}

}  // namespace accel
