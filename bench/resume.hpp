// `run --resume PARTIAL.json`: continue an interrupted run, skipping the
// points it finished, when the config, the machine and the build are the same.
#pragma once
#include <vector>

#include "report.hpp"
#include "suite.hpp"

namespace accel {

// Throws input_error naming the first difference between the partial report
// and the run about to start (`fresh`: its config and system already filled).
// Output-only options (out, formats, gate, require_gpu) may differ.
void check_resumable(const report& partial, const report& fresh);

// Copies the partial report's completed points (their cases, speedups and the
// ceilings it measured) into `rep`; returns the points still to run.
std::vector<suite_point> resume_from(const report& partial, const std::vector<suite_point>& points, report& rep);

}  // namespace accel
