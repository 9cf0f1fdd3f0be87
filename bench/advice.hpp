// Rule-based recommendations and warnings: what a reader should do about a
// case, derived from the report alone (so a saved report gets them too).
// Every message names the numbers that triggered it.
#pragma once
#include <string>
#include <vector>

#include "report.hpp"

namespace accel {

// Thresholds of the rules, in one place.
inline constexpr double kTransferBoundShare = 0.50;  // transfers > 50 % of end-to-end
inline constexpr double kNoHeadroomPct = 85.0;       // > 85 % of the bound's ceiling
inline constexpr double kNoisyCiWidth = 0.05;        // median CI wider than 5 % of the median
inline constexpr double kBusyAtStartShare = 0.25;    // others used > 25 % of the CPUs before the run

struct advice {
  std::string case_id;  // reporters' case_id / speedup_id
  std::string rule;     // transfer_bound, below_break_even, no_headroom, noisy, throttled,
                        // verify_failed, outliers, busy_host, cpu_frequency, in_cache,
                        // above_ceiling
  std::string message;
  std::string figure;   // the numbers alone, e.g. "351% of the memory ceiling, 10.3 MiB a call"
};

std::vector<advice> recommendations(const report& r);
// What a rule means and what to do about it, in one line (Markdown's legend).
std::string rule_meaning(const std::string& rule);

// Warnings about the whole run, from the machine's state when it started.
std::vector<std::string> start_warnings(const system_info& s, bool gpu_used);
// The warning when other processes took more than kOtherLoadWarnShare of this
// process's CPUs while the ceilings were measured (host_activity's
// other_busy_share over the probe); "" otherwise.
std::string ceilings_load_warning(double other_busy_share);

}  // namespace accel
