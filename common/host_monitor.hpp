// What else the host was doing while a case ran: CPU frequency, the frequency
// governor, the load average, and how much CPU time other processes took.
// Read from /proc and /sys; every figure is optional (0 / "" when unknown).
#pragma once
#include <functional>
#include <istream>
#include <string>

namespace accel {

struct host_snapshot {
  double wall_s = 0;          // steady clock
  double process_cpu_s = 0;   // this process, user + system
  // The CPUs this process may run on (its affinity mask), all processes'
  // busy time on them (/proc/stat: user + system + irq + steal), in seconds.
  double cpus_busy_s = 0;
  double cpu_mhz = 0;         // mean current frequency over the CPUs; 0 when unknown
  int cpus = 0;               // how many CPUs cpus_busy_s counts; 0 when unknown
};
host_snapshot take_host_snapshot();

// Busy seconds summed over the per-CPU lines ("cpu3 ...") of /proc/stat's
// text whose CPU number `counted` accepts, and how many lines that was.
struct cpu_busy {
  double seconds = 0;
  int cpus = 0;
};
cpu_busy busy_of_cpus(std::istream& proc_stat, const std::function<bool(int)>& counted, long ticks_per_second);

struct host_activity {
  double cpu_mhz_before = 0, cpu_mhz_after = 0;
  double wall_s = 0, process_cpu_s = 0;
  // Busy CPU time of other processes as a share of the CPU time of the CPUs
  // this process may run on, over the case: 0.25 on 4 such CPUs = one core's
  // worth. Other processes on CPUs outside its affinity mask do not count.
  double other_busy_share = 0;
};
host_activity activity_between(const host_snapshot& before, const host_snapshot& after);
// One case's activity over two of its rounds (other cases ran in between):
// times add up, the busy share is weighted by wall time, the clocks are the
// first round's start and the last round's end.
host_activity combined(const host_activity& earlier, const host_activity& later);

// Shares above this earn a warning: another process competed for the cores.
inline constexpr double kOtherLoadWarnShare = 0.10;
// Relative CPU frequency change over one case above this earns a warning.
inline constexpr double kFrequencyDriftWarn = 0.10;

// "performance", "powersave", "schedutil", ... of cpu0; "" when the kernel exposes none.
std::string cpu_governor();
// 1-minute load average; negative when unknown.
double load_average_1min();

}  // namespace accel
