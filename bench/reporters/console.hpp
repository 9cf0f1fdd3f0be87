// The console format: a table per workload (point, CPU median, GPU median per
// variant and timing, speedup with CI, verdict) and a one-line summary.
#pragma once
#include <ostream>
#include <string>

#include "report.hpp"

namespace accel {

void write_console(const report& r, std::ostream& out);

}  // namespace accel
