// The recommendation rules, the run-level warnings and the integrity probes
// (host activity, NVML reason names) on synthetic data.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "advice.hpp"
#include "cpu_threads.hpp"
#include "host_monitor.hpp"
#include "nvml.hpp"
#include "stopping_rule.hpp"

using namespace accel;

namespace {

case_result timed_case(const std::string& backend, const std::string& timing, double median) {
  case_result c;
  c.workload = "elementwise";
  c.params = {{"op", "saxpy"}, {"n", 1 << 20}};
  c.backend = backend;
  c.variant = backend == "cpu" ? "eigen" : "custom";
  c.timing = timing;
  c.threads = backend == "cpu" ? 2 : 0;
  c.samples_ns.assign(20, median);
  c.stats.n = 20;
  c.stats.median = median;
  c.stats.median_ci95 = {median * 0.995, median * 1.005};
  c.converged = true;
  return c;
}

std::vector<std::string> rules_of(const std::vector<advice>& list) {
  std::vector<std::string> r;
  for (const auto& a : list) r.push_back(a.rule);
  return r;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

TEST(Advice, CleanCaseGetsNoRecommendation) {
  report r;
  r.cases = {timed_case("cpu", "cpu", 1000)};
  EXPECT_TRUE(recommendations(r).empty());
}

// The outlier warning starts above 5 % of the samples: 2 of 40 is quiet,
// 3 of 40 (7.5 %) warns.
TEST(Advice, OutlierWarningStartsAboveFivePercent) {
  report r;
  case_result c = timed_case("cpu", "cpu", 1000);
  c.samples_ns.assign(40, 1000);
  c.stats.n = 40;
  c.stats.outliers_mild = 2;
  r.cases = {c};
  EXPECT_FALSE(has(rules_of(recommendations(r)), "outliers"));
  r.cases[0].stats.outliers_severe = 1;
  EXPECT_TRUE(has(rules_of(recommendations(r)), "outliers"));
}

// "noisy" starts where the median's CI is wider than 5 % of the median.
TEST(Advice, NoisyStartsAboveAFivePercentWideCi) {
  report r;
  r.cases = {timed_case("cpu", "cpu", 1000)};
  r.cases[0].stats.median_ci95 = {980, 1020};  // 4 %
  EXPECT_FALSE(has(rules_of(recommendations(r)), "noisy"));
  r.cases[0].stats.median_ci95 = {965, 1035};  // 7 %
  EXPECT_TRUE(has(rules_of(recommendations(r)), "noisy"));
}

// A noisy case that stopped at the sample cap in every round is not told to
// raise --max-time: the cap, not the time, ended it.
TEST(Advice, NoisyAtTheSampleCapDoesNotAskForMoreTime) {
  report r;
  r.cases = {timed_case("gpu", "kernel", 1000)};
  r.cases[0].stats.median_ci95 = {950, 1070};
  r.cases[0].stats.n = kMaxSamples - 1;
  const auto text = [&] { return recommendations(r).at(0).message; };
  EXPECT_NE(text().find("raise --max-time"), std::string::npos);
  r.cases[0].stats.n = kMaxSamples;
  EXPECT_EQ(text().find("raise --max-time"), std::string::npos);
  EXPECT_NE(text().find("sample cap"), std::string::npos);
  r.cases[0].stats.rounds = 5;  // a CPU case: only when all five rounds hit it
  r.cases[0].stats.round_spread = 0;
  EXPECT_NE(text().find("raise --max-time"), std::string::npos);
}

TEST(Advice, EachRuleFiresOnItsTriggerAndNamesTheNumber) {
  report r;
  case_result e2e = timed_case("gpu", "end_to_end", 1000);
  e2e.transfer_share = 0.63;
  case_result roof = timed_case("gpu", "kernel", 1000);
  roof.bound = "memory";
  roof.pct_of_peak = 91;
  case_result noisy = timed_case("cpu", "cpu", 1000);
  noisy.stats.median_ci95 = {950, 1070};  // 12 % wide
  noisy.stats.outliers_mild = 2;
  noisy.stats.outliers_severe = 1;  // 15 % of 20
  noisy.host = host_activity{3000, 2000, 1.0, 2.0, 0.4};
  case_result hot = timed_case("gpu", "kernel", 1000);
  hot.params["n"] = 1 << 22;
  hot.throttled = "sw_thermal";
  hot.gpu_before = gpu_health{1980, 2619, 70, 500, 0};
  hot.gpu_after = gpu_health{1410, 2619, 88, 520, kThrottleSwThermal};
  case_result wrong = timed_case("gpu", "kernel", 1000);
  wrong.params["n"] = 1 << 23;
  wrong.status = "verify_failed";
  wrong.verification = verification{false, 0.5, 0.1, 7, "index 3"};
  r.cases = {e2e, roof, noisy, hot, wrong};
  r.speedups.push_back({"elementwise", e2e.params, "custom", "end_to_end", 0.4, {0.38, 0.42}, 4.22, "fail", ""});
  r.crossovers = json::array({{{"workload", "elementwise"},
                               {"series", {{"op", "saxpy"}}},
                               {"size_param", "n"},
                               {"variant", "custom"},
                               {"timing", "end_to_end"},
                               {"break_even_size", 16777216}}});

  const auto list = recommendations(r);
  const auto rules = rules_of(list);
  for (const char* rule : {"transfer_bound", "no_headroom", "noisy", "outliers", "busy_host", "cpu_frequency",
                           "throttled", "verify_failed", "below_break_even"})
    EXPECT_TRUE(has(rules, rule)) << rule;
  const auto message = [&](const std::string& rule) {
    for (const auto& a : list)
      if (a.rule == rule) return a.message;
    return std::string();
  };
  for (const char* rule : {"in_cache", "above_ceiling"}) EXPECT_FALSE(rule_meaning(rule).empty()) << rule;
  for (const auto& a : list) {  // Markdown writes the figure beside the case and the meaning once
    EXPECT_FALSE(a.figure.empty()) << a.rule;
    EXPECT_FALSE(rule_meaning(a.rule).empty()) << a.rule;
  }
  EXPECT_NE(message("transfer_bound").find("63%"), std::string::npos);
  EXPECT_NE(message("no_headroom").find("91%"), std::string::npos);
  EXPECT_NE(message("noisy").find("12.0%"), std::string::npos);
  EXPECT_NE(message("outliers").find("15%"), std::string::npos);
  EXPECT_NE(message("busy_host").find("40%"), std::string::npos);
  EXPECT_NE(message("throttled").find("1980 -> 1410"), std::string::npos);
  EXPECT_NE(message("verify_failed").find("7 mismatches"), std::string::npos);
  EXPECT_NE(message("below_break_even").find("n=16777216"), std::string::npos);
}

TEST(Advice, AboveTheCeilingMeansCacheNotNoHeadroom) {
  report r;
  case_result c = timed_case("cpu", "cpu", 1000);
  c.bound = "memory";
  c.pct_of_peak = 450;
  c.bytes_per_call = 1000;
  r.cases = {c};
  const auto rules = rules_of(recommendations(r));
  EXPECT_TRUE(has(rules, "in_cache"));
  EXPECT_FALSE(has(rules, "no_headroom"));
  const auto all = recommendations(r);
  EXPECT_NE(all[0].message.find("with 1000 B per call"), std::string::npos) << all[0].message;
  EXPECT_NE(all[0].message.find("the data stays in cache"), std::string::npos) << all[0].message;
  // With the caches evicted before each call (--cache cold) the data did not
  // stay there from the last call: the message says what is left.
  r.config["cache"] = "cold";
  const auto cold = recommendations(r);
  ASSERT_FALSE(cold.empty());
  EXPECT_EQ(cold[0].rule, "in_cache");
  EXPECT_EQ(cold[0].message.find("the data stays in cache"), std::string::npos) << cold[0].message;
  EXPECT_NE(cold[0].message.find("with the caches evicted before each call"), std::string::npos) << cold[0].message;
}

// Above 100 % of the FMA rate the probe read low: no_headroom would blame the arithmetic.
TEST(Advice, AboveTheComputeCeilingMeansTheProbeReadLow) {
  report r;
  case_result c = timed_case("cpu", "cpu", 1000);
  c.bound = "compute";
  c.pct_of_peak = 152;
  r.cases = {c};
  auto all = recommendations(r);
  EXPECT_TRUE(has(rules_of(all), "above_ceiling"));
  EXPECT_FALSE(has(rules_of(all), "no_headroom"));
  EXPECT_NE(all[0].message.find("at 152% of the measured compute ceiling"), std::string::npos) << all[0].message;
  r.cases[0].pct_of_peak = 99;
  all = recommendations(r);
  EXPECT_TRUE(has(rules_of(all), "no_headroom"));
  EXPECT_FALSE(has(rules_of(all), "above_ceiling"));
}

// Other processes on the CPUs while the ceilings were measured: the probe
// reads low (a spinner on one of this VM's two CPUs: 36 %, and the warning).
TEST(Advice, CeilingsMeasuredUnderLoadAreWarned) {
  EXPECT_EQ(ceilings_load_warning(0.0), "");
  EXPECT_EQ(ceilings_load_warning(kOtherLoadWarnShare), "");
  const std::string w = ceilings_load_warning(0.36);
  EXPECT_NE(w.find("other processes used 36% of this process's CPUs while the ceilings were measured"),
            std::string::npos)
      << w;
}

TEST(Advice, StartWarningsForGovernorLoadAndMissingNvml) {
  system_info s;
  s.cpu_cores = 4;
  s.cpu_governor = "performance";
  s.load_average_at_start = 3.0;  // lags a minute behind: not a reason on its own
  s.other_load_at_start = 0.05;
  s.nvml = "available";
  EXPECT_TRUE(start_warnings(s, true).empty());
  s.cpu_governor = "powersave";
  s.other_load_at_start = 0.5;
  s.nvml = "libnvidia-ml.so.1 not found";
  const auto w = start_warnings(s, true);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_NE(w[0].find("powersave"), std::string::npos);
  EXPECT_NE(w[1].find("50%"), std::string::npos);
  EXPECT_NE(w[2].find("libnvidia-ml"), std::string::npos);
  EXPECT_EQ(start_warnings(s, false).size(), 2u);  // NVML matters only with a GPU in use
}

TEST(Advice, StartWarningForMoreThreadsThanCpus) {
  system_info s;
  s.cpu_threads_used = cpu_threads_available();
  EXPECT_TRUE(start_warnings(s, false).empty());
  s.cpu_threads_used = cpu_threads_available() + 1;
  const auto w = start_warnings(s, false);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("oversubscribed"), std::string::npos) << w[0];
}

// A container's or CI runner's CPU quota below the threads used: said at the
// start, with the thread count that measures the sustained throughput.
TEST(Advice, StartWarningForACgroupQuota) {
  system_info s;
  s.cpu_cores = 64;
  s.cpu_threads_used = 1;
  s.cpu_quota = 0.5;  // less than one thread's worth: the warning names 1
  auto w = start_warnings(s, false);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("0.50 CPUs' worth of time, and CPU cases use up to 1 thread:"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("(--cpu-threads 1 measures that)"), std::string::npos) << w[0];
  s.cpu_quota = 1.0;  // as much as the threads can use: nothing to say
  EXPECT_TRUE(start_warnings(s, false).empty());
  s.cpu_quota = 0;  // no quota
  EXPECT_TRUE(start_warnings(s, false).empty());
}

// An affinity mask (taskset, a cpuset) shrinks what 'all' means: said at the
// start, as are an OMP_NUM_THREADS that the run does not follow and blocking
// CUDA launches.
TEST(Advice, StartWarningsForAffinityOmpNumThreadsAndBlockingLaunches) {
  system_info s;
  s.cpu_cores = 64;
  s.cpu_allowed = 64;
  s.cpu_threads_used = 64;
  s.env = {{"OMP_NUM_THREADS", "64"}, {"OMP_PROC_BIND", "close"}};
  EXPECT_TRUE(start_warnings(s, false).empty());
  s.cpu_allowed = 8;
  s.cpu_threads_used = 8;
  s.env["OMP_NUM_THREADS"] = "1";
  const auto w = start_warnings(s, false);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("may run on 8 of the machine's 64 logical CPUs"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("'all' means 8 threads here"), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("OMP_NUM_THREADS=1 is set"), std::string::npos) << w[1];
  EXPECT_NE(w[1].find("up to 8 threads"), std::string::npos) << w[1];
  // CUDA_LAUNCH_BLOCKING=1 serialises launches: a warning when a GPU is in use.
  s.env = {{"CUDA_LAUNCH_BLOCKING", "1"}};
  s.cpu_allowed = 64;
  s.cpu_threads_used = 64;
  EXPECT_TRUE(start_warnings(s, false).empty());
  const auto g = start_warnings(s, true);
  ASSERT_EQ(g.size(), 2u);  // and NVML, not loaded here
  EXPECT_NE(g[0].find("CUDA_LAUNCH_BLOCKING=1 is set: every kernel launch waits"), std::string::npos) << g[0];
  s.env["CUDA_LAUNCH_BLOCKING"] = "0";
  EXPECT_EQ(start_warnings(s, true).size(), 1u);
  s.cpu_allowed = 0;  // unknown (a report from before the field): no affinity warning
  s.env.clear();
  s.cpu_threads_used = 1;
  EXPECT_TRUE(start_warnings(s, false).empty());
}

TEST(HostMonitor, OtherProcessesShareOfTheMachine) {
  host_snapshot a{100.0, 10.0, 500.0, 2400, 4}, b{102.0, 13.0, 505.0, 2000, 4};
  // 2 s on 4 CPUs = 8 CPU-seconds; the machine was busy 5, this process 3: others 2 -> 25 %.
  const host_activity h = activity_between(a, b);
  EXPECT_DOUBLE_EQ(h.wall_s, 2.0);
  EXPECT_DOUBLE_EQ(h.process_cpu_s, 3.0);
  EXPECT_DOUBLE_EQ(h.other_busy_share, 0.25);
  EXPECT_DOUBLE_EQ(h.cpu_mhz_after, 2000);
}

// Only the CPUs this process may run on count: a neighbour busy on a CPU
// outside its affinity mask (a container's cpuset) takes nothing from it.
TEST(HostMonitor, BusyTimeOfTheAllowedCpusOnly) {
  std::istringstream stat(
      "cpu  900 0 300 5000 0 0 0 0 0 0\n"
      "cpu0 100 0 50 1000 7 1 2 3 0 0\n"
      "cpu1 800 0 250 4000 0 0 0 0 0 0\n"
      "cpu10 5 0 5 100 0 0 0 0 0 0\n"
      "intr 12345\n"
      "ctxt 999\n");
  const cpu_busy b = busy_of_cpus(stat, [](int n) { return n == 0 || n == 10; }, 100);
  EXPECT_EQ(b.cpus, 2);
  EXPECT_DOUBLE_EQ(b.seconds, (100 + 50 + 1 + 2 + 3) / 100.0 + (5 + 5) / 100.0) << "user+nice+system+irq+softirq+steal";
  std::istringstream garbage("cpu0 abc\ncpux 1 2 3\n");
  EXPECT_EQ(busy_of_cpus(garbage, [](int) { return true; }, 100).cpus, 0);
}

// Two rounds of one case: times add up, the busy share is weighted by wall
// time, the clocks are the first round's start and the last round's end.
TEST(HostMonitor, RoundsCombineWeightedByWallTime) {
  const host_activity first{3000, 2900, 1.0, 2.0, 0.1}, second{2950, 2800, 3.0, 5.0, 0.5};
  const host_activity both = combined(first, second);
  EXPECT_DOUBLE_EQ(both.cpu_mhz_before, 3000);
  EXPECT_DOUBLE_EQ(both.cpu_mhz_after, 2800);
  EXPECT_DOUBLE_EQ(both.wall_s, 4.0);
  EXPECT_DOUBLE_EQ(both.process_cpu_s, 7.0);
  EXPECT_DOUBLE_EQ(both.other_busy_share, (0.1 * 1 + 0.5 * 3) / 4);
}

TEST(HostMonitor, ReadsThisMachineWithoutFailing) {
  const host_snapshot s = take_host_snapshot();
  EXPECT_GT(s.wall_s, 0);
  EXPECT_EQ(s.cpus, cpu_threads_available()) << "one /proc/stat line per CPU of the affinity mask";
  EXPECT_GE(s.process_cpu_s, 0);
  EXPECT_GE(s.cpu_mhz, 0);
  const double load = load_average_1min();
  EXPECT_TRUE(load >= 0 || load == -1);
}

TEST(Nvml, ReasonNamesAndMask) {
  EXPECT_EQ(throttle_reason_names(0), "");
  EXPECT_EQ(throttle_reason_names(0x1 | kThrottleSwPowerCap | kThrottleHwThermal), "gpu_idle,sw_power_cap,hw_thermal");
  EXPECT_EQ(throttle_reason_names((0x1 | kThrottleSwPowerCap) & kThrottlingMask), "sw_power_cap");
  // NVML's own bit values (nvml.h, nvmlClocksThrottleReason*), not ours.
  EXPECT_EQ(throttle_reason_names(0x1ff),
            "gpu_idle,applications_clocks,sw_power_cap,hw_slowdown,sync_boost,sw_thermal,hw_thermal,hw_power_brake,"
            "display_clocks");
  EXPECT_EQ(kThrottlingMask, 0x4u | 0x8u | 0x20u | 0x40u | 0x80u);
  // A case is throttled by what either read around it saw, idle and
  // application clocks aside.
  const gpu_health idle{1980, 2619, 40, 80, 0x1}, hot{1410, 2619, 88, 520, 0x1 | 0x40}, capped{1755, 2619, 70, 700, 0x4};
  EXPECT_EQ(throttled_between(idle, idle), "");
  EXPECT_EQ(throttled_between(idle, hot), "hw_thermal");
  EXPECT_EQ(throttled_between(capped, idle), "sw_power_cap");
  EXPECT_EQ(throttled_between(std::nullopt, capped), "sw_power_cap");
  EXPECT_EQ(throttled_between(std::nullopt, std::nullopt), "");
}

TEST(Nvml, MissingLibraryOrUnknownDeviceIsNotAnError) {
  const nvml& n = nvml::instance();
  if (!n.available()) {
    EXPECT_FALSE(n.reason().empty());
  }
  EXPECT_FALSE(n.read("not-a-bus-id").has_value());
  EXPECT_FALSE(n.read("").has_value());
}
