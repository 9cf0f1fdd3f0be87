#include "config.hpp"

#include <algorithm>
#include <cmath>

#include "cpu_threads.hpp"
#include "reporters/format_util.hpp"

namespace accel {

json config_json(const run_config& c) {
  return {{"suite", c.suite},
          {"workloads", c.workloads},
          {"batch_sizes", c.batch_sizes},
          {"layers", c.layers},
          {"device", c.device},
          {"out", c.out},
          {"formats", c.formats},
          {"require_gpu", c.require_gpu},
          {"gate", c.gate},
          {"seed", c.seed},
          {"min_samples", c.rule.min_samples},
          {"min_time_s", c.rule.min_time_s},
          {"max_noise", c.rule.max_noise},
          {"max_time_s", c.rule.max_time_s},
          {"rounds", c.rule.rounds},
          {"rounds_in", c.rounds_in},
          {"cache", c.rule.cold ? "cold" : "warm"},
          {"target", c.target},
          {"cpu_threads", c.cpu_threads},
          {"backend", c.backend},
          {"device_memory_limit", c.device_memory_limit},
          {"inject_fault", c.inject_fault},
          {"fallback", c.fallback}};
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

// "1,16,256" -> {1, 16, 256}; names the option and the bad token on failure.
std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text) {
  std::vector<int64_t> out;
  for (const auto& tok : split(text, ',')) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (tok.empty() || used != tok.size())
      throw input_error(option + ": '" + tok + "' is not a whole number");
    out.push_back(v);
  }
  return out;
}

int max_cpu_threads(const run_config& c) { return cpu_thread_counts(c).back(); }

std::vector<int> cpu_thread_counts(const run_config& c) {
  std::vector<int> t;
  for (int n : c.cpu_threads) t.push_back(n > 0 ? n : cpu_threads_available());
  if (t.empty()) t.push_back(cpu_threads_available());
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

void validate(const run_config& c) {
  if (c.rule.min_samples < 1 || c.rule.min_samples > 1'000'000) throw input_error("--min-samples: must be in [1, 1000000]");
  if (!(c.rule.min_time_s >= 0) || c.rule.min_time_s > 3600) throw input_error("--min-time: must be in [0, 3600] seconds");
  if (!(c.rule.max_time_s > 0) || c.rule.max_time_s > 86400) throw input_error("--max-time: must be in (0, 86400] seconds");
  if (c.rule.rounds < 1 || c.rule.rounds > 100) throw input_error("--rounds: must be in [1, 100]");
  if (c.rounds_in != "child_processes" && c.rounds_in != "this_process")
    throw input_error("--rounds-in: expected child_processes or this_process");
  if (!(c.rule.max_noise > 0) || c.rule.max_noise >= 1) throw input_error("--max-noise: must be in (0, 1), e.g. 0.01 for 1 %");
  if (!(c.target > 0) || !std::isfinite(c.target)) throw input_error("--target: must be a positive speedup, e.g. 4.22");
  if (c.cpu_threads.empty()) throw input_error("--cpu-threads: give at least one count, e.g. 1,2,all");
  for (int t : c.cpu_threads)
    if (t < 0 || t > 4096) throw input_error("--cpu-threads: each count must be 'all' or in [1, 4096]");
  if (c.device < 0) throw input_error("--device: must be >= 0");
  if (c.backend != "auto" && c.backend != "gpu" && c.backend != "cpu")
    throw input_error("--backend: expected auto, gpu or cpu");
  if (!c.inject_fault.empty() && c.inject_fault != "alloc" && c.inject_fault != "launch" && c.inject_fault != "sync")
    throw input_error("--inject-fault: expected alloc, launch or sync");
  if (!c.device_memory_limit.empty()) (void)parse_memory_limit(c.device_memory_limit, 1);
  // Sampled time counts toward --min-time, wall time toward --max-time: with
  // more of the first than the second no case could converge.
  if (c.rule.min_time_s > c.rule.max_time_s)
    throw input_error("--min-time: " + fmt("%g s", c.rule.min_time_s) + " is more than --max-time " +
                      fmt("%g s", c.rule.max_time_s) +
                      (c.max_time_given ? "" : " (the suite's max_time_s)") + ": no case could meet the stopping rule");
}

uint64_t parse_memory_limit(const std::string& text, uint64_t device_total_bytes) {
  const std::string what = "--device-memory-limit: '" + text + "' ";
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    throw input_error(what + "is not BYTES, BYTES with KiB/MiB/GiB, or PCT%");
  }
  const std::string unit = text.substr(used);
  if (!(v > 0) || !std::isfinite(v)) throw input_error(what + "must be positive");
  if (unit == "%") {
    if (v > 100) throw input_error(what + "is more than 100%");
    return uint64_t(double(device_total_bytes) * v / 100.0);
  }
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else throw input_error(what + "has an unknown unit (use B, KiB, MiB, GiB or %)");
  if (v * scale > 1e15) throw input_error(what + "is larger than any GPU");
  return uint64_t(v * scale);
}

}  // namespace accel
