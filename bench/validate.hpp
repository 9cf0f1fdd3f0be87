// `accelbench validate RUN.json [--targets FILE]`: checks a report against
// per-workload targets, each with a severity. Exit 1 on any `error` or
// `critical` violation (cli.cpp).
//
// Targets file (README "Validating a run"):
//   {"workloads": {"mlp": {"speedup": {"min": 4.22, "timing": "end_to_end", "severity": "error"},
//                          "device_memory_bytes": {"max": 2147483648, "severity": "warning"},
//                          "fallback_latency_ns": {"max": 5e6, "severity": "critical"},
//                          "p99_ns": {"max": 1e6, "backend": "gpu"},
//                          "variant_ratio": {"min": 0.8, "variant": "custom", "of": "cublas",
//                                            "timing": "kernel", "params": {"batch": {"min": 4096}}}},
//                  "elementwise": {"pct_of_peak": {"min": 85, "backend": "gpu"}},
//                  "*": {...}}}            // "*": every workload without its own entry
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "report.hpp"

namespace accel {

// A numeric parameter's range a rule is narrowed to ("params": {"batch": {"min": 4096}}).
struct param_range {
  std::string name;
  double min = -1e300, max = 1e300;
};

struct target_rule {
  std::string workload;  // a name, or "*"
  // speedup | device_memory_bytes | fallback_latency_ns | p99_ns | pct_of_peak | variant_ratio
  std::string metric;
  double limit = 0;  // min for speedup, pct_of_peak and variant_ratio; max for the others
  std::string severity = "error";             // warning | error | critical
  std::string when_not_measured = "warning";  // severity when nothing could be checked; "" = ignore
  std::string timing, variant, backend;       // optional filters ("" = any)
  std::vector<param_range> params;            // optional filter: every range must hold
  std::string of;  // variant_ratio: the GPU variant `variant`'s throughput is set against
};

// Throws input_error naming the field ("targets: workloads.mlp.speedup.min: expected a number").
std::vector<target_rule> parse_targets(const json& j);
std::vector<target_rule> load_targets(const std::string& path);
// Without a targets file: every speedup against the report's own target, severity error.
std::vector<target_rule> default_targets(const report& r);

struct check_result {
  std::string subject;   // what was checked: a speedup or case id, a fallback trigger, a workload
  std::string metric;
  std::string severity;  // of the rule
  std::string outcome;   // pass | violation | inconclusive | not_measured
  std::string message;   // with the numbers
};

std::vector<check_result> validate_report(const report& r, const std::vector<target_rule>& rules);
// true when any violation (or unmeasured check) carries severity error or critical.
bool validation_failed(const std::vector<check_result>& checks);
void write_validation(const std::vector<check_result>& checks, const std::string& format, std::ostream& out);

}  // namespace accel
