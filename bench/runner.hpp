// The runner: for each workload and parameter point, make the inputs, run
// the CPU reference, verify every GPU variant against it, then time each case
// under the stopping rule, CPU cases in rounds (README "Rounds"). It knows
// nothing about any particular workload.
#pragma once
#include <functional>
#include <string>

#include "config.hpp"
#include "gpu_info.hpp"
#include "report.hpp"
#include "suite.hpp"

namespace accel {

// Points whose host inputs and outputs exceed this keep them across rounds:
// making 3 GB again (batched GEMM n=128 x 16384) took 5.8 s on the 2-vCPU VM
// (make_point timed in a throwaway program), mostly page faults, and arrays this large already span thousands of pages
// wherever the kernel placed them. Their rounds still interleave in time.
inline constexpr double kRemakeMaxBytes = 1024.0 * (1 << 20);

struct run_hooks {
  std::function<void(const std::string&)> progress;  // "mlp batch=256 gpu/custom kernel"
  std::function<void(const report&)> checkpoint;      // after every finished point
};

// Appends cases and speedups to `rep`. GPU failures are recorded per case and
// never stop the run.
void run_cases(const run_config& cfg, const std::vector<suite_point>& points, const gpu_probe& gpu, report& rep,
               const run_hooks& hooks);

// Fills each parallel CPU case's scaling_efficiency from the same case at 1 thread.
void add_scaling_efficiency(report& rep);

// "batch=256 layers=512,1024,64"
std::string params_label(const json& params);

}  // namespace accel
