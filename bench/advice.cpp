#include "advice.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "cpu_threads.hpp"
#include "host_monitor.hpp"
#include "reporters/format_util.hpp"
#include "stopping_rule.hpp"

namespace accel {

namespace {

// The crossover entry of a speedup's series, or null.
const json* crossover_of(const report& r, const speedup_result& s) {
  if (!r.crossovers.is_array()) return nullptr;
  for (const auto& x : r.crossovers) {
    if (x.value("workload", "") != s.workload || x.value("variant", "") != s.variant ||
        x.value("timing", "") != s.timing || !x.contains("series") || !x.contains("size_param"))
      continue;
    bool same = true;
    for (const auto& [k, v] : x["series"].items()) same &= s.params.contains(k) && s.params[k] == v;
    if (same) return &x;
  }
  return nullptr;
}

// `cold`: the run evicted the caches before each call (--cache cold).
void case_rules(const case_result& c, bool cold, std::vector<advice>& out) {
  const std::string id = case_id(c);
  const auto add = [&](const char* rule, const std::string& msg, const std::string& figure) {
    out.push_back({id, rule, msg, figure});
  };
  if (c.status == "verify_failed" && c.verification) {
    const std::string numbers = "max abs err " + fmt("%.3g", c.verification->max_abs_err) + ", " +
                                std::to_string(c.verification->mismatches) + " mismatches";
    add("verify_failed",
        "verification failed (" + numbers + "): no speedup is published; fix the kernel before tuning it", numbers);
  }
  if (c.samples_ns.empty()) return;
  if (c.transfer_share && *c.transfer_share > kTransferBoundShare) {
    const std::string share = fmt("%.0f%%", 100 * *c.transfer_share);
    add("transfer_bound",
        "transfer-bound: host-device copies take " + share +
            " of the end-to-end time; keep data on the device or overlap copies with compute",
        "copies " + share + " of the time");
  }
  const std::string pct = c.pct_of_peak ? fmt("%.0f%%", *c.pct_of_peak) : "";
  if (c.pct_of_peak && *c.pct_of_peak > 100.0 && c.bound == "memory")
    // Usually cache; but a VM's bandwidth can move by half within minutes, so
    // a case may also just have run in a faster spell than the ceiling probe.
    add("in_cache",
        "at " + pct + " of the measured memory ceiling with " + format_bytes(c.bytes_per_call) + " per call: " +
            (cold ? "with the caches evicted before each call, the machine ran faster than while its ceiling was "
                    "measured, or part of the data outlived the eviction"
                  : "the data stays in cache, or the machine ran faster than while its ceiling was measured; "
                    "sweep larger sizes (or --cache cold) for a bandwidth figure"),
        pct + " of the ceiling, " + format_bytes(c.bytes_per_call) + " a call");
  else if (c.pct_of_peak && *c.pct_of_peak > 100.0)
    // No product outruns the FMA units: the probe ran slower than they can
    // (other load, lower clocks while it ran), which inflates every share.
    add("above_ceiling",
        "at " + pct +
            " of the measured compute ceiling: the FMA probe ran slower than this case (other "
            "load or lower clocks while it ran), so shares of that ceiling read high; accelbench "
            "peaks on a quiet machine measures it again",
        pct + " of the ceiling");
  else if (c.pct_of_peak && *c.pct_of_peak > kNoHeadroomPct)
    add("no_headroom",
        "at " + pct + " of the measured " + c.bound + " ceiling: little headroom left; a faster result needs less " +
            (c.bound == "memory" ? "data movement" : "arithmetic") + ", not a better kernel",
        pct + " of the ceiling");
  const double width = (c.stats.median_ci95.hi - c.stats.median_ci95.lo) / c.stats.median;
  if (c.stats.median > 0 && width > kNoisyCiWidth) {
    std::string text = "noisy: the median's 95% CI spans " + fmt("%.1f%%", 100 * width) + " of the median over " +
                       std::to_string(c.stats.n) + " samples";
    std::string figure = "CI " + fmt("%.1f%%", 100 * width);
    // Most of the width from the rounds: the process, the inputs' placement
    // or a spell of the machine decides, and more samples per round cannot
    // narrow it.
    if (c.stats.rounds > 1 && c.stats.round_spread > width / 2) {
      text += " in " + std::to_string(c.stats.rounds) + " rounds whose medians spread " +
              fmt("%.1f%%", 100 * c.stats.round_spread) +
              ": the time depends on the process, where the inputs lie and when the round ran; more --rounds "
              "narrow the CI, more samples do not";
      figure += ", round medians " + fmt("%.1f%%", 100 * c.stats.round_spread) + " apart";
    } else if (c.stats.n >= kMaxSamples * c.stats.rounds) {
      // Every round stopped at the sample cap: more time would add samples
      // the cap refuses, and the CI narrows only as 1/sqrt(n) anyway.
      text += "; it stopped at the " + std::to_string(kMaxSamples) + "-sample cap, so rerun on a quiet machine";
    } else {
      text += "; rerun on a quiet machine or raise --max-time";
    }
    add("noisy", text, figure);
  }
  if (c.stats.outlier_share() > kOutlierWarnShare) {
    const std::string share = fmt("%.0f%%", 100 * c.stats.outlier_share()),
                      mild = std::to_string(c.stats.outliers_mild), severe = std::to_string(c.stats.outliers_severe);
    add("outliers",
        share + " of samples are outliers (" + mild + " beyond 1.5 IQR, " + severe +
            " beyond 3 IQR); kept in the data, but something disturbed the run",
        share + " (" + mild + " mild, " + severe + " severe)");
  }
  if (!c.throttled.empty()) {
    std::string clocks;
    if (c.gpu_before && c.gpu_after)
      clocks = "; SM clock " + std::to_string(c.gpu_before->sm_mhz) + " -> " + std::to_string(c.gpu_after->sm_mhz) +
               " MHz, " + std::to_string(c.gpu_after->temperature_c) + " C at the end";
    add("throttled", "GPU throttled (" + c.throttled + ")" + clocks + ": the time is not the card's best",
        c.throttled + clocks);
  }
  if (c.host && c.host->other_busy_share > kOtherLoadWarnShare) {
    const std::string share = fmt("%.0f%%", 100 * c.host->other_busy_share);
    add("busy_host",
        "other processes used " + share +
            " of the CPU time of the CPUs this process may run on during the case; its times may be inflated",
        "others used " + share);
  }
  if (c.host && c.host->cpu_mhz_before > 0 && c.host->cpu_mhz_after > 0) {
    const double drift = c.host->cpu_mhz_after / c.host->cpu_mhz_before - 1;
    const std::string before = fmt("%.0f", c.host->cpu_mhz_before), after = fmt("%.0f MHz", c.host->cpu_mhz_after);
    if (std::fabs(drift) > kFrequencyDriftWarn)
      add("cpu_frequency", "CPU frequency moved from " + before + " to " + after + " during the case",
          before + " -> " + after);
  }
}

}  // namespace

std::vector<advice> recommendations(const report& r) {
  std::vector<advice> out;
  for (const auto& c : r.cases) case_rules(c, cache_mode(r) == "cold", out);
  for (const auto& s : r.speedups) {
    if (s.verdict == "not_measured" || !(s.ci95.hi < 1.0)) continue;
    std::string where = "no crossover in this sweep";
    if (const json* x = crossover_of(r, s)) {
      const json& be = (*x)["break_even_size"];
      where = be.is_null() ? "the sweep never reaches break-even"
                           : "break-even at " + (*x)["size_param"].get<std::string>() + "=" + be.dump();
    }
    const std::string value = fmt("%.2fx", s.value) + ", CI high " + fmt("%.2f", s.ci95.hi);
    out.push_back({speedup_id(s), "below_break_even",
                   "below break-even: the CPU is faster here (" + value + "); " + where +
                       "; route such requests to the CPU",
                   value + "; " + where});
  }
  return out;
}

std::string rule_meaning(const std::string& rule) {
  static const std::map<std::string, std::string> meanings = {
      {"verify_failed", "the GPU result failed verification: no speedup is published; fix the kernel first"},
      {"transfer_bound", "host-device copies take most of the end-to-end time: keep data on the device or overlap "
                         "copies with compute"},
      {"below_break_even", "the CPU is faster at this size: route such requests to the CPU"},
      {"in_cache", "above 100 % of the measured memory ceiling: the data stays in cache (or the machine ran faster "
                   "than during the ceiling probe); sweep larger sizes or run --cache cold for a bandwidth figure"},
      {"above_ceiling", "above 100 % of the measured FMA rate: the probe ran slow (other load, lower clocks), so "
                        "shares of that ceiling read high; accelbench peaks on a quiet machine measures it again"},
      {"no_headroom", "above " + fmt("%.0f", kNoHeadroomPct) +
                          " % of the ceiling of its bound: a faster result needs less work, not a better kernel"},
      {"noisy", "the median's 95 % CI is wider than " + fmt("%.0f", 100 * kNoisyCiWidth) +
                    " % of the median: when the rounds' medians spread, more --rounds narrow it; else a quieter "
                    "machine or a longer --max-time"},
      {"outliers", "over " + fmt("%.0f", 100 * kOutlierWarnShare) +
                       " % of the samples lie beyond Tukey's fences (mild: 1.5 IQR past the quartiles, severe: 3 "
                       "IQR): something disturbed the run"},
      {"throttled", "the GPU throttled during the case: the time is not the card's best"},
      {"busy_host", "other processes used the case's CPUs: its times may be inflated"},
      {"cpu_frequency", "the CPU clock moved by more than " + fmt("%.0f", 100 * kFrequencyDriftWarn) +
                            " % during the case"},
  };
  const auto it = meanings.find(rule);
  return it == meanings.end() ? std::string() : it->second;
}

std::string ceilings_load_warning(double other_busy_share) {
  if (!(other_busy_share > kOtherLoadWarnShare)) return "";
  return "other processes used " + fmt("%.0f%%", 100 * other_busy_share) +
         " of this process's CPUs while the ceilings were measured: the CPU ceilings may read low and every "
         "share of them (the roof column, pct_of_peak) high; accelbench peaks on a quiet machine measures them again";
}

std::vector<std::string> start_warnings(const system_info& s, bool gpu_used) {
  std::vector<std::string> w;
  if (!s.cpu_governor.empty() && s.cpu_governor != "performance")
    w.push_back("CPU frequency scaling is on (governor '" + s.cpu_governor +
                "'): CPU times can drift; the 'performance' governor gives steadier numbers");
  if (s.other_load_at_start > kBusyAtStartShare)
    w.push_back("other processes kept " + fmt("%.0f%%", 100 * s.other_load_at_start) +
                " of this process's CPUs busy just before the run (load average " + fmt("%.2f", s.load_average_at_start) +
                "): CPU cases compete for the cores");
  const int allowed = s.cpu_allowed > 0 ? s.cpu_allowed : cpu_threads_available();
  if (s.cpu_threads_used > allowed)
    w.push_back("--cpu-threads " + std::to_string(s.cpu_threads_used) + " is more than the " + std::to_string(allowed) +
                " logical CPUs this process may use: the CPU side is oversubscribed and slower than it could be");
  if (s.cpu_allowed > 0 && s.cpu_allowed < s.cpu_cores)
    w.push_back("this process may run on " + std::to_string(s.cpu_allowed) + " of the machine's " +
                std::to_string(s.cpu_cores) +
                " logical CPUs (an affinity mask: taskset, numactl, a container's cpuset): 'all' means " +
                threads_text(s.cpu_allowed) + " here, and the CPU side is not the whole machine's");
  if (const auto it = s.env.find("OMP_NUM_THREADS");
      it != s.env.end() && it->second != std::to_string(s.cpu_threads_used))
    w.push_back("OMP_NUM_THREADS=" + it->second + " is set, but accelbench sets the thread count itself: CPU cases use up to " +
                threads_text(s.cpu_threads_used) + " (--cpu-threads chooses)");
  if (s.cpu_quota > 0 && s.cpu_quota < s.cpu_threads_used)
    w.push_back("a cgroup CPU quota (a container or CI limit) gives this process " + fmt("%.2f", s.cpu_quota) +
                " CPUs' worth of time, and CPU cases use up to " + threads_text(s.cpu_threads_used) +
                ": their medians show the speed between throttles, their p99s the throttling; "
                "sustained CPU throughput is the quota's (--cpu-threads " +
                std::to_string(std::max(1, int(s.cpu_quota))) + " measures that)");
  if (const auto it = s.env.find("CUDA_LAUNCH_BLOCKING"); gpu_used && it != s.env.end() && it->second == "1")
    w.push_back("CUDA_LAUNCH_BLOCKING=1 is set: every kernel launch waits for its kernel, so the host cannot queue "
                "the next one and GPU times include the gaps; unset it to measure the GPU");
  if (gpu_used && s.nvml != "available")
    w.push_back("GPU clocks and throttling not recorded: " + s.nvml);
  return w;
}

}  // namespace accel
