// Every option of `accelbench run`, with its default. The report records all of it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "report.hpp"
#include "stopping_rule.hpp"

namespace accel {

struct run_config {
  std::vector<std::string> workloads{"mlp"};
  std::vector<int64_t> batch_sizes{1, 16, 256, 4096, 16384};
  std::vector<int64_t> layers{512, 1024, 1024, 1024, 64};
  int device = 0;
  std::string out = "accelbench-report.json";
  bool require_gpu = false;
  bool gate = false;  // exit 1 when a speedup verdict is "fail"
  uint64_t seed = 42;
  stopping_rule rule;
  double target = 4.22;
  int cpu_threads = 0;  // 0 = all
  std::string backend = "auto";  // auto | gpu | cpu
  std::string device_memory_limit;  // "" (none), bytes ("8GiB", "500000000") or "50%"
  std::string inject_fault;         // "" | alloc | launch | sync
  bool fallback = true;             // measure CPU fallback latency and cold start
};

// "8GiB", "512MiB", "1000000", "50%" -> bytes; a percentage needs the device's
// total memory (0 when unknown: then returns 0, "no limit known").
uint64_t parse_memory_limit(const std::string& text, uint64_t device_total_bytes);

json config_json(const run_config& c);

// Checks sizes and combinations the parser cannot; throws input_error naming
// the option. `memory_bytes` is the host's RAM, to refuse impossible sizes.
void validate(const run_config& c, uint64_t memory_bytes);

}  // namespace accel
