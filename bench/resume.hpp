// `run --resume PARTIAL.json`: continue an interrupted run, skipping the
// points it finished and keeping the rounds of those it had begun, when the
// config, the machine and the build are the same.
#pragma once
#include <vector>

#include "report.hpp"
#include "suite.hpp"

namespace accel {

// Throws input_error naming the first difference between the partial report
// and the run about to start (`fresh`: its config and system already filled).
// Output-only options (out, formats, gate, require_gpu) may differ.
void check_resumable(const report& partial, const report& fresh);

// Copies what the partial report holds of the suite's points into `rep`: the
// completed points, every case and speedup (run_cases keeps the finished
// points, continues the unfinished ones with their rounds so far, and starts
// the rest) and the ceilings it measured. Returns how many points it finished.
size_t resume_from(const report& partial, const std::vector<suite_point>& points, report& rep);

}  // namespace accel
