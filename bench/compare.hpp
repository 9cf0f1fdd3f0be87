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

// Two-sided p-value of the Mann-Whitney U test (normal approximation with a
// tie correction and continuity correction; exact enough for n >= 8 per side).
double mann_whitney_p(std::span<const double> a, std::span<const double> b);

struct case_change {
  std::string id;        // workload/params/backend/variant/timing[/Nt]
  std::string workload;
  double base_median = 0, cand_median = 0;
  double ratio = 0;      // candidate median / base median (> 1: slower)
  interval ratio_ci95;
  double p_value = 1;
  std::string cls;       // faster | slower | same | ambiguous
  bool warn = false, fail = false;
};

struct comparison {
  std::vector<case_change> changes;
  std::vector<std::string> only_in_base, only_in_candidate;
  bool different_hardware = false;
};

// same: CI inside +-noise. faster/slower: p < alpha and the CI wholly outside
// +-noise on that side. ambiguous: anything else.
comparison compare_reports(const report& base, const report& cand, const compare_options& o);
json comparison_json(const comparison& c, const compare_options& o);
void write_comparison_console(const comparison& c, const compare_options& o, std::ostream& out);
void write_comparison_markdown(const comparison& c, const compare_options& o, std::ostream& out);

}  // namespace accel
