// Speedup = CPU median / GPU median, its bootstrap CI, and the verdict against the target.
#pragma once
#include <string>

#include "report.hpp"

namespace accel {

// pass: CI low >= target; fail: CI high < target; inconclusive otherwise.
std::string verdict_for(interval ci95, double target);

speedup_result measure_speedup(const case_result& cpu, const case_result& gpu, double target);

speedup_result not_measured(const std::string& workload, const json& params, const std::string& variant,
                            const std::string& timing, double target, const std::string& reason);

}  // namespace accel
