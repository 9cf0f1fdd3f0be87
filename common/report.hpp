// The report model: one struct tree. Its JSON form (report_json.cpp) is canonical;
// every other format is rendered from it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gpu_info.hpp"
#include "host_monitor.hpp"
#include "nvml.hpp"
#include "stats.hpp"
#include "verify.hpp"

namespace accel {

using json = nlohmann::ordered_json;

// Bumped whenever a field changes meaning or disappears (not with the tool version).
inline constexpr int kSchemaVersion = 1;

struct system_info {
  std::string cpu_model;
  int cpu_cores = 0;         // logical CPUs the OS offers
  int cpu_allowed = 0;       // of those, the ones this process may run on (its affinity); 0 unknown
  int cpu_threads_used = 0;  // --cpu-threads
  uint64_t memory_bytes = 0;
  uint64_t memory_limit_bytes = 0;  // a cgroup memory limit below memory_bytes (common/cgroup.hpp); 0 none
  std::string os, compiler, flags, eigen_version;
  bool cuda_built = false;
  std::optional<cuda_info> cuda;  // null when built without CUDA
  std::vector<gpu_info> gpus;
  std::string gpu_unavailable_reason;  // empty when a GPU is usable
  std::string cpu_governor;            // "" when the kernel exposes no cpufreq
  double cpu_quota = 0;                // CPUs a cgroup CPU quota allows (common/cgroup.hpp); 0 none
  // The environment variables that change what runs, by name: OpenMP's
  // (OMP_*, GOMP_*, KMP_*: thread placement moves CPU times; the thread count
  // is --cpu-threads') and the CUDA runtime's (CUDA_*: visible devices,
  // blocking launches, module loading).
  std::map<std::string, std::string> env;
  double load_average_at_start = -1;   // 1-minute load average; < 0 unknown
  // Share of all CPUs other processes kept busy over a short window just
  // before the run (the load average lags by a minute); < 0 unknown.
  double other_load_at_start = -1;
  std::string nvml;                    // "available", or why GPU health was not read
  // This machine's ceilings (`accelbench peaks`, bench/peaks.hpp): measured and
  // datasheet-style figures, each labelled. null when not measured.
  json peaks = nullptr;
};

// Memory one case used. The tracker sees our allocations; the driver's
// figures (cudaMemGetInfo) also include context and library overheads.
struct case_memory {
  uint64_t device_peak_bytes = 0;             // tracked, during set-up and timing
  std::optional<uint64_t> device_used_before;  // driver: used bytes before set-up
  std::optional<uint64_t> device_used_after;   // driver: used bytes after set-up
  uint64_t host_peak_rss_bytes = 0;           // process peak resident set so far
};

struct case_result {
  std::string workload;
  json params;           // the parameter point, e.g. {"batch": 256, "layers": "512,1024,64"}
  std::string backend;   // "cpu" | "gpu"
  std::string variant;   // "eigen" for cpu; "custom", "cublas", ... for gpu
  std::string timing;    // "cpu" | "kernel" | "end_to_end"
  std::string status = "ok";  // "ok" | "verify_failed" | "error"
  std::string error;          // why, when status is "error"
  int iterations_per_sample = 1;
  std::vector<double> samples_ns;
  std::vector<size_t> round_sizes;  // samples per round, in order (README "Rounds"); sums to samples_ns.size()
  // Where a CPU case's rounds ran: "child_processes" (each in a fresh one) or
  // "this_process"; "" for GPU cases and reports older than the field.
  std::string rounds_in;
  summary stats;
  bool converged = false;
  std::optional<accel::verification> verification;  // null for the CPU reference itself
  double flops_per_call = 0, bytes_per_call = 0, items_per_call = 0;
  double gflops = 0, items_per_s = 0;  // from the median
  std::optional<case_memory> memory;
  int threads = 0;  // CPU cases: the thread count it ran with; 0 for GPU cases
  std::optional<double> scaling_efficiency;  // CPU, n > 1 threads: speed(n) / (n * speed(1))
  // Roofline, from the median against this machine's measured ceilings (bench/roofline.hpp).
  double gb_per_s = 0;
  std::string bound;                   // "memory" | "compute" | "" (no ceilings known)
  std::optional<double> pct_of_peak;   // achieved / ceiling of its bound, in percent
  std::optional<double> transfer_share;  // end_to_end GPU cases: (end_to_end - kernel) / end_to_end
  // Measurement integrity (host_monitor.hpp, nvml.hpp): what the host and the
  // GPU were doing from the start to the end of the case's sampling.
  std::optional<host_activity> host;
  std::optional<gpu_health> gpu_before, gpu_after;
  std::string throttled;  // NVML throttle reasons seen at start or end; "" when none
};

struct speedup_result {
  std::string workload;
  json params;
  std::string variant;
  std::string timing;  // "kernel" | "end_to_end"
  double value = 0;
  interval ci95;
  double target = 0;
  std::string verdict;  // "pass" | "fail" | "inconclusive" | "not_measured"
  std::string reason;
};

// The tool.sources entries whose digests differ between two reports, or that
// one of them lacks, in name order.
inline std::vector<std::string> differing_sources(const std::map<std::string, std::string>& a,
                                                  const std::map<std::string, std::string>& b) {
  std::vector<std::string> out;
  for (const auto& [k, v] : a)
    if (const auto it = b.find(k); it == b.end() || it->second != v) out.push_back(k);
  for (const auto& [k, v] : b)
    if (!a.count(k)) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

struct report {
  int schema_version = kSchemaVersion;
  std::string tool_name = "accelbench", tool_version, git_sha;
  // Digest of the code of each workload's path ("mlp/cpu", "mlp/gpu", ...) and of
  // the "harness", from bench/sources.cmake: which code two builds share. Empty
  // in reports from builds before it.
  std::map<std::string, std::string> sources;
  std::string created_utc;
  std::string command_line;
  json config = json::object();
  system_info system;
  std::vector<case_result> cases;
  std::vector<speedup_result> speedups;
  bool interrupted = false;
  // Conditions that make the numbers less trustworthy, found while running
  // (frequency scaling on, a busy machine, ...). Per-case findings are advice (bench/advice.hpp).
  std::vector<std::string> warnings;
  // Points whose every case finished, [{workload, params}], in run order:
  // what `run --resume` skips. A point cut short by an interrupt is not here.
  json completed_points = json::array();
  std::string resumed_from;  // the partial report this run continued; "" when none
  // Sections with their own shape, documented in the README.
  json fallback = nullptr;    // CPU fallback latency per trigger
  json cold_start = nullptr;  // context, cuBLAS handle, first launches
  json capacity = nullptr;    // largest MLP batch that fits the device (or --device-memory-limit)
  json crossovers = nullptr;  // break-even and target sizes per workload series and GPU variant
  // Where this process's wall time went, in seconds: {"total", "ceilings",
  // "cases": {phase: s}, "timed_samples", "capacity", "fallback",
  // "cold_start"} (README "Run time"). null in reports older than the field.
  json run_time_s = nullptr;
};

json to_json(const report& r);
// A case's `host` object (also what a CPU round's child process sends back);
// the reader throws input_error naming the field under `path`.
json host_activity_json(const host_activity& h);
host_activity host_activity_from_json(const json& h, const std::string& path);
// Throws input_error naming the field when the document is not a valid report.
report report_from_json(const json& j);

// Reads and validates a report file; throws input_error with a one-line reason.
report read_report(const std::string& path);
// Writes the JSON atomically (temp file in the same folder, fsync, rename).
void write_report(const report& r, const std::string& path);

// Bad input from a user (flags, files): exit code 2 with this message.
struct input_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace accel
