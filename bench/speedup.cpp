#include "speedup.hpp"

namespace accel {

std::string verdict_for(interval ci95, double target) {
  if (ci95.lo >= target) return "pass";
  if (ci95.hi < target) return "fail";
  return "inconclusive";
}

speedup_result measure_speedup(const case_result& cpu, const case_result& gpu, double target) {
  speedup_result s;
  s.workload = gpu.workload;
  s.params = gpu.params;
  s.variant = gpu.variant;
  s.timing = gpu.timing;
  s.target = target;
  const ratio_estimate r = bootstrap_median_ratio({cpu.samples_ns, cpu.round_sizes}, {gpu.samples_ns, gpu.round_sizes});
  s.value = r.value;
  s.ci95 = r.ci95;
  s.verdict = verdict_for(r.ci95, target);
  return s;
}

speedup_result not_measured(const std::string& workload, const json& params, const std::string& variant,
                            const std::string& timing, double target, const std::string& reason) {
  speedup_result s;
  s.workload = workload;
  s.params = params;
  s.variant = variant;
  s.timing = timing;
  s.target = target;
  s.verdict = "not_measured";
  s.reason = reason;
  return s;
}

}  // namespace accel
