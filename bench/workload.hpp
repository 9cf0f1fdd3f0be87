// The workload interface: what the runner needs to know about any workload,
// and nothing more. The runner never names a particular workload.
#pragma once
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config.hpp"
#include "device_run.hpp"
#include "verify.hpp"

namespace accel {

// One parameter point with its inputs made (identical for every backend).
class workload_point {
 public:
  virtual ~workload_point() = default;
  virtual void run_cpu() = 0;  // one call of the CPU path
  virtual std::span<const float> cpu_output() const = 0;
  // Sets up one GPU variant on `device` with this point's inputs; throws gpu_error.
  virtual std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) = 0;

  double flops = 0;  // per call
  double bytes = 0;  // fewest bytes one call must move
  double items = 0;  // predictions (or elements) per call
  tolerance tol;
};

struct workload {
  std::string name;
  std::string description;
  std::string items_name;  // what items_per_s counts, e.g. "predictions"
  std::vector<std::string> gpu_variants;
  std::vector<std::string> parameters;  // names of the params keys, for `list`
  std::function<std::vector<json>(const run_config&)> points;
  std::function<std::unique_ptr<workload_point>(const json& params, uint64_t seed)> make_point;
};

const std::vector<workload>& all_workloads();
const workload* find_workload(const std::string& name);

}  // namespace accel
