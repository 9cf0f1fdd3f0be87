// Every option of `accelbench run`, with its default. The report records all of it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "report.hpp"
#include "stopping_rule.hpp"

namespace accel {

struct run_config {
  std::string suite = "default";     // built-in name or a suite file (bench/suite.hpp)
  std::vector<std::string> workloads;  // empty: every workload of the suite
  // MLP overrides of the suite's grids (empty: the suite's). `layers` is also
  // the network the fallback, capacity and cold-start measurements use.
  std::vector<int64_t> batch_sizes;
  std::vector<int64_t> layers{512, 1024, 1024, 1024, 64};
  bool layers_given = false;
  int device = 0;
  std::string out = "accelbench-report.json";
  bool force = false;  // --force: overwrite an existing --out
  // --format: console and json as always; each other format is written beside
  // the JSON report (report.csv, report.md, report.gbench.json, ...).
  std::vector<std::string> formats{"console", "json"};
  bool require_gpu = false;
  bool gate = false;  // exit 1 when a speedup verdict is "fail"
  uint64_t seed = 42;
  stopping_rule rule;
  bool max_time_given = false;  // --max-time given: a suite's own max_time_s does not apply
  // --rounds-in: where each CPU round of a point runs, "child_processes" (a
  // fresh one per round, the point made again there) or "this_process" (the
  // point made again here); points past kRemakeMaxBytes always stay here.
  std::string rounds_in = "child_processes";
  double target = 4.22;
  std::vector<int> cpu_threads{0};  // --cpu-threads 1,2,all: 0 = all cores; parallel CPU cases run once per value
  std::string backend = "auto";  // auto | gpu | cpu
  std::string device_memory_limit;  // "" (none), bytes ("8GiB", "500000000") or "50%"
  std::string inject_fault;         // "" | alloc | launch | sync
  bool fallback = true;             // measure CPU fallback latency and cold start
  std::string resume;               // --resume: a partial report to continue (bench/resume.hpp)
};

// "8GiB", "512MiB", "1000000", "50%" -> bytes; a percentage needs the device's
// total memory (0 when unknown: then returns 0, "no limit known").
uint64_t parse_memory_limit(const std::string& text, uint64_t device_total_bytes);

json config_json(const run_config& c);

// "a,b,,c" -> {"a", "b", "", "c"}
std::vector<std::string> split(const std::string& s, char sep);
// "1,16,256" -> {1, 16, 256}; throws input_error naming `option` and the bad token.
std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text);

// The largest of --cpu-threads with "all" resolved: what the speedup's CPU side
// and the fallback use.
int max_cpu_threads(const run_config& c);
// --cpu-threads resolved ("all" -> the cores), without repeats, ascending.
std::vector<int> cpu_thread_counts(const run_config& c);

// Checks sizes and combinations the parser cannot; throws input_error naming
// the option. (Sizes against host memory: bench/suite.hpp.)
void validate(const run_config& c);

}  // namespace accel
