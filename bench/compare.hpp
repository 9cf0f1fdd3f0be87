// `accelbench compare BASE.json CAND.json`: case-by-case change between two
// runs, judged with a bootstrap CI of the ratio of medians and a two-sided
// Mann-Whitney U test on the raw samples.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "report.hpp"

namespace accel {

struct compare_options {
  double alpha = 0.05;  // --alpha: significance level of the U test
  double noise = 0.02;  // --noise: changes inside +-2 % are never significant
  double warn = 0.05;   // --warn: flag slower cases beyond 5 %
  double fail = 0.10;   // --fail: exit 1 when a slower case is beyond 10 %
};

// Two-sided p-value of the Mann-Whitney U test: exact for up to 20 values per
// side without ties, else the normal approximation with tie and continuity
// corrections.
double mann_whitney_p(std::span<const double> a, std::span<const double> b);

struct case_change {
  std::string id;        // workload/params/backend/variant/timing[/Nt]
  std::string workload;
  double base_median = 0, cand_median = 0;
  double ratio = 0;      // candidate median / base median (> 1: slower)
  interval ratio_ci95;
  double p_value = 1;
  // What the U test ranked: "round medians" when both cases ran in rounds
  // (samples within a round are not independent), else "samples".
  std::string p_over;
  std::string cls;       // faster | slower | same | ambiguous
  bool warn = false, fail = false;
  // "same" when the case's workload path ("mlp/gpu", ...) and the harness have the
  // same code in both reports (tool.sources): a change there is the machine's, not
  // the code's; "changed" when not; "" when a report has no digests.
  std::string code;
};

// Across hardware generations (the reports name different GPUs or CPUs): how
// much faster the candidate machine ran each case, beside what the two
// machines' measured ceilings promise for the case's bound.
struct generation_row {
  std::string id, workload, backend;
  std::string bound;         // memory | compute | "" (no ceilings in one report)
  double speed_ratio = 0;    // base median / candidate median (> 1: the candidate machine is faster)
  double ceiling_ratio = 0;  // candidate ceiling / base ceiling of that bound; 0 when unknown
  bool short_of_ceiling = false;  // speed_ratio < (1 - kShortfall) * ceiling_ratio
  std::string code;               // as case_change::code: "same" means the ratio is the hardware's alone
};
inline constexpr double kCeilingShortfall = 0.10;

struct speedup_change {
  std::string id;  // workload/params/variant/timing
  double base = 0, cand = 0;  // speedups; their ratio cand / base
};

struct comparison {
  std::vector<case_change> changes;
  std::vector<std::string> only_in_base, only_in_candidate;
  bool different_hardware = false;
  std::string base_hardware, cand_hardware;  // "CPU model / GPU name"
  bool different_build = false;
  std::string base_build, cand_build;  // "accelbench VERSION GIT_SHA"
  // The tool.sources entries whose digests differ (or that one report lacks) and
  // those that match; both empty when a report has no digests.
  std::vector<std::string> code_changed, code_same;
  // What the CPU side ran on: "16 threads", "2 threads on 2 of 64 CPUs, a
  // cgroup quota of 1.50 CPUs" (cpu_side(), reporters/format_util.hpp).
  std::string base_cpu_side, cand_cpu_side;
  std::string base_cache, cand_cache;  // --cache of each run: "warm" or "cold"
  std::vector<generation_row> generation;    // filled when different_hardware
  std::vector<speedup_change> speedups;      // every speedup measured in both
};

// The key two reports' cases are matched by: case_id, except that a parallel
// CPU variant run on all of its run's threads is "/all", so runs with
// different core counts (or --cpu-threads 1 against all) still match.
std::string compare_key(const report& r, const case_result& c);
// "CPU model / GPU name" ("no GPU" when none): what tells two machines apart.
std::string hardware_label(const report& r);
// Across hardware from different builds: a sentence saying the ratios mix the
// code's changes with the hardware's (but for cases whose code is the same in
// both, where tool.sources tells); "" otherwise.
std::string mixed_builds_note(const comparison& c);
// When the two runs' CPU sides differ (say CI runners with different core
// counts, or --cpu-threads 1 against all): a sentence saying the CPU cases'
// ratios and the speedups measure that too; "" otherwise.
std::string cpu_side_note(const comparison& c);
// When one run had warm caches and the other cold (--cache): a sentence
// saying every ratio measures that too; "" otherwise.
std::string cache_note(const comparison& c);
// With digests in both: which code differs and which is the same, when the
// builds differ by name or by code; "" otherwise.
std::string code_note(const comparison& c);

// same: CI inside +-noise. faster/slower: p < alpha and the CI wholly outside
// +-noise on that side. ambiguous: anything else.
comparison compare_reports(const report& base, const report& cand, const compare_options& o);
json comparison_json(const comparison& c, const compare_options& o);
void write_comparison_console(const comparison& c, const compare_options& o, std::ostream& out);
void write_comparison_markdown(const comparison& c, const compare_options& o, std::ostream& out);
void write_comparison_html(const comparison& c, const compare_options& o, std::ostream& out);

}  // namespace accel
