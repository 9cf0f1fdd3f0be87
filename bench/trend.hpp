// `accelbench compare R1.json R2.json ... Rn.json --trend`: every case's
// median and every speedup across many reports, in the order given (a
// branch's history, or a row of GPUs).
#pragma once
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "report.hpp"

namespace accel {

struct trend_series {
  std::string id;                             // compare_key / speedup_id
  std::vector<std::optional<double>> values;  // one per report; null where absent or unmeasured
  // The tool.sources entries the series' code is: its workload's path(s) and the harness.
  std::vector<std::string> code_keys;
  // Per report: true where the series' code differs from the report before it that
  // has a value, both carrying digests (so a jump there may be the code's, not the machine's).
  std::vector<bool> code_changed;
};

struct trend {
  std::vector<std::string> labels;  // per report: file, date, hardware
  std::vector<trend_series> medians_ns, speedups;
};

trend build_trend(const std::vector<report>& reports, const std::vector<std::string>& names);
// console, md, json or html; throws input_error for another format.
void write_trend(const trend& t, const std::string& format, std::ostream& out);

}  // namespace accel
