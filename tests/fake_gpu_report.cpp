// Writes a report whose GPU cases come from fake device runs (fake_gpu.hpp):
// the real CPU paths of two real workloads at small sizes, made-up GPU
// timings. Only for tests/html_in_chromium.sh, so that the HTML pages' GPU
// sections (speedups with CI whiskers, speedup vs size, device memory, errors)
// are drawn in a real browser on machines without a GPU. The GPU is named
// "fake GPU (test fixture)"; such a report never belongs in results/.
// Usage: fake_gpu_report OUT.json [SEED]
#include <iostream>
#include <string>

#include "fake_gpu.hpp"
#include "peaks.hpp"
#include "roofline.hpp"
#include "runner.hpp"
#include "system_info.hpp"

using namespace accel;

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: fake_gpu_report OUT.json [SEED]\n";
    return 2;
  }
  run_config cfg;
  cfg.seed = argc == 3 ? std::stoull(argv[2]) : 42;
  cfg.rule.min_samples = 5;
  cfg.rule.min_time_s = 0.02;
  cfg.rule.max_noise = 0.05;
  cfg.rule.max_time_s = 0.5;
  cfg.rule.rounds = 2;
  cfg.rounds_in = "this_process";  // a child process would be this program, not accelbench

  const workload elementwise = fakes::with_fake_gpu(*find_workload("elementwise"),
                                                    {"steady", "slow", "wrong", "no_memory", "kernel_fails"});
  const workload mlp = fakes::with_fake_gpu(*find_workload("mlp"), {"steady", "fast"});
  std::vector<suite_point> points;
  for (int64_t n : {1000, 100000, 1000000}) points.push_back({&elementwise, json{{"op", "saxpy"}, {"n", n}}, {}});
  for (int64_t batch : {1, 64, 256}) points.push_back({&mlp, json{{"batch", batch}, {"layers", "64,128,10"}}, {}});

  const gpu_probe gpu = fakes::fake_probe("fake GPU (test fixture)");

  report rep;
  rep.tool_version = "test fixture";
  rep.created_utc = utc_now_iso8601();
  rep.command_line = "fake_gpu_report (made-up GPU timings)";
  rep.config = config_json(cfg);
  rep.system = collect_host_info(max_cpu_threads(cfg));
  rep.system.cuda_built = true;
  rep.system.gpus = gpu.gpus;
  rep.system.peaks = measure_peaks(gpu_probe{}, 0);  // the CPU's real ceilings; no GPU ones
  run_cases(cfg, points, gpu, rep, {});
  add_scaling_efficiency(rep);
  apply_roofline(rep);
  rep.crossovers = compute_crossovers(rep);
  write_report(rep, argv[1]);
  std::cout << argv[1] << ": " << rep.cases.size() << " cases, " << rep.speedups.size() << " speedups\n";
  return 0;
}
