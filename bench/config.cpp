#include "config.hpp"

#include <cmath>

namespace accel {

json config_json(const run_config& c) {
  return {{"workloads", c.workloads},
          {"batch_sizes", c.batch_sizes},
          {"layers", c.layers},
          {"device", c.device},
          {"out", c.out},
          {"require_gpu", c.require_gpu},
          {"gate", c.gate},
          {"seed", c.seed},
          {"min_samples", c.rule.min_samples},
          {"min_time_s", c.rule.min_time_s},
          {"max_noise", c.rule.max_noise},
          {"max_time_s", c.rule.max_time_s},
          {"target", c.target},
          {"cpu_threads", c.cpu_threads},
          {"backend", c.backend},
          {"device_memory_limit", c.device_memory_limit},
          {"inject_fault", c.inject_fault},
          {"fallback", c.fallback}};
}

// Largest batch we accept at all; larger ones are refused before any allocation.
constexpr int64_t kMaxBatch = int64_t(1) << 24;
constexpr int64_t kMaxWidth = int64_t(1) << 16;

void validate(const run_config& c, uint64_t memory_bytes) {
  if (c.batch_sizes.empty()) throw input_error("--batch-sizes: give at least one batch size");
  for (int64_t b : c.batch_sizes)
    if (b < 1 || b > kMaxBatch)
      throw input_error("--batch-sizes: " + std::to_string(b) + " is not in [1, " + std::to_string(kMaxBatch) + "]");
  if (c.layers.size() < 2) throw input_error("--layers: give at least two widths (input and output)");
  int64_t widest = 0, params = 0;
  for (size_t i = 0; i < c.layers.size(); ++i) {
    const int64_t w = c.layers[i];
    if (w < 1 || w > kMaxWidth)
      throw input_error("--layers: width " + std::to_string(w) + " is not in [1, " + std::to_string(kMaxWidth) + "]");
    widest = std::max(widest, w);
    if (i + 1 < c.layers.size()) params += w * c.layers[i + 1];
  }
  // Host memory one MLP point needs: weights, input, output and two activation
  // buffers on the CPU side, the same again as pinned staging for the GPU.
  for (int64_t b : c.batch_sizes) {
    const double need = 4.0 * (double(params) + 4.0 * double(b) * double(widest)) * 2.0;
    if (memory_bytes > 0 && need > 0.8 * double(memory_bytes))
      throw input_error("--batch-sizes: batch " + std::to_string(b) + " with these layers needs about " +
                        std::to_string(int64_t(need / (1 << 20))) + " MiB of host memory; this machine has " +
                        std::to_string(int64_t(memory_bytes >> 20)) + " MiB");
  }
  if (c.rule.min_samples < 1 || c.rule.min_samples > 1'000'000) throw input_error("--min-samples: must be in [1, 1000000]");
  if (!(c.rule.min_time_s >= 0) || c.rule.min_time_s > 3600) throw input_error("--min-time: must be in [0, 3600] seconds");
  if (!(c.rule.max_time_s > 0) || c.rule.max_time_s > 86400) throw input_error("--max-time: must be in (0, 86400] seconds");
  if (!(c.rule.max_noise > 0) || c.rule.max_noise >= 1) throw input_error("--max-noise: must be in (0, 1), e.g. 0.01 for 1 %");
  if (!(c.target > 0) || !std::isfinite(c.target)) throw input_error("--target: must be a positive speedup, e.g. 4.22");
  if (c.cpu_threads < 0 || c.cpu_threads > 4096) throw input_error("--cpu-threads: must be 'all' or in [1, 4096]");
  if (c.device < 0) throw input_error("--device: must be >= 0");
  if (c.backend != "auto" && c.backend != "gpu" && c.backend != "cpu")
    throw input_error("--backend: expected auto, gpu or cpu");
  if (!c.inject_fault.empty() && c.inject_fault != "alloc" && c.inject_fault != "launch" && c.inject_fault != "sync")
    throw input_error("--inject-fault: expected alloc, launch or sync");
  if (!c.device_memory_limit.empty()) (void)parse_memory_limit(c.device_memory_limit, 1);
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
