// The runner: for each workload and parameter point, make the inputs, run
// the CPU reference, verify every GPU variant against it, then time each case
// under the stopping rule, CPU cases in rounds spread over passes of the suite
// (README "Rounds"). It knows nothing about any particular workload.
#pragma once
#include <functional>
#include <string>

#include "config.hpp"
#include "gpu_info.hpp"
#include "report.hpp"
#include "suite.hpp"

namespace accel {

// Points whose host inputs and outputs exceed this keep them across rounds,
// all in this process and one after the other: making 3 GB again (batched
// GEMM n=128 x 16384) took 5.8 s on the 2-vCPU VM (make_point timed in a
// throwaway program), mostly page faults, and arrays this large already span
// thousands of pages wherever the kernel placed them.
inline constexpr double kRemakeMaxBytes = 1024.0 * (1 << 20);

struct run_hooks {
  std::function<void(const std::string&)> progress;  // "mlp batch=256 gpu/custom kernel"
  std::function<void(const report&)> checkpoint;      // as points and rounds finish, at most every 2 s, and last
};

// Runs the suite's points into `rep`, which may hold a resumed report's
// cases (bench/resume.hpp): its finished points stay as they were, its
// unfinished ones go on from their rounds so far. Pass 1 makes, checks and
// times every point with its first CPU round; passes 2..rounds add one round
// to each point whose rounds run in child processes. GPU failures are
// recorded per case and never stop the run.
void run_cases(const run_config& cfg, const std::vector<suite_point>& points, const gpu_probe& gpu, report& rep,
               const run_hooks& hooks);

// Fills each parallel CPU case's scaling_efficiency from the same case at 1 thread.
void add_scaling_efficiency(report& rep);

// "batch=256 layers=512,1024,64"
std::string params_label(const json& params);

}  // namespace accel
