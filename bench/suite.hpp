// Suites: which workloads run at which parameter points. Three are built in
// (bench/suites/*.json, embedded in the binary); a user's own file has the
// same shape:
//   {"name": "...", "description": "...", "max_time_s": 3,
//    "workloads": {"reduce": [{"op": "sum", "n": [1048576, 16777216]}, ...], ...}}
// "max_time_s" (optional) is the suite's default for --max-time: the quick
// suite's keeps a CI run short even when every case is noisy.
// Each workload maps to a list of grids; a grid maps each parameter to one
// value or a list, and stands for every combination of them. A grid may also
// name the CPU variants to run, "cpu_variants": ["radix"] (default: all),
// e.g. to leave a slow single-core reference out at the largest sizes.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "report.hpp"
#include "workload.hpp"

namespace accel {

struct suite_point {
  const workload* w = nullptr;
  json params;
  // The CPU variants that run at this point, as indices into
  // w->cpu_variants in the workload's order; empty: all of them. A grid's
  // "cpu_variants" picks them; the first (the reference) always runs.
  std::vector<int> cpu_variants;
};

// What names a point in a report, its resumption and the runner's passes.
inline std::string point_key(const std::string& workload, const json& params) {
  return workload + ' ' + params.dump();
}

std::vector<std::string> builtin_suite_names();

// A built-in suite's name, or a path to a suite file; throws input_error.
json load_suite(const std::string& name_or_path);
// The same from a suite file's text; `origin` names it in messages.
json parse_suite(const std::string& text, const std::string& origin);

// The suite's "max_time_s", when it sets one (parse_suite checked it).
std::optional<double> suite_max_time_s(const json& suite);

// Every point of the suite, in workload order (all_workloads()), each checked
// against the workload's parameters; `only` keeps just those workloads (empty:
// all). `host_memory_bytes` (0: unknown) refuses points that cannot fit.
// Errors name the field, e.g. "suite quick: workloads.reduce[1].n[0]: 0 is not in [1, 268435456]".
std::vector<suite_point> expand_suite(const json& suite, const std::vector<std::string>& only,
                                      double host_memory_bytes);

// The points `run` measures: cfg.suite with --workloads, --batch-sizes and
// --layers applied (overrides are checked and named by their option).
std::vector<suite_point> points_for(const run_config& cfg, double host_memory_bytes);
// The same for a suite already loaded (load_suite(cfg.suite)).
std::vector<suite_point> points_for(const run_config& cfg, json suite, double host_memory_bytes);

}  // namespace accel
