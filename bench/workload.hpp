// The workload interface: what the runner needs to know about any workload,
// and nothing more. The runner never names a particular workload.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "device_run.hpp"
#include "report.hpp"
#include "verify.hpp"

namespace accel {

// Bytes of one result, whatever its element type.
struct output_view {
  const void* data = nullptr;
  size_t bytes = 0;
};

// One parameter point with its inputs made (identical for every backend).
class workload_point {
 public:
  virtual ~workload_point() = default;
  // One call of CPU variant `v` (an index into workload::cpu_variants).
  virtual void run_cpu(int v) = 0;
  virtual output_view cpu_output() const = 0;
  // Called once, after the first run_cpu(0): keeps what every later output
  // (other CPU variants, every GPU variant) is checked against.
  virtual void keep_reference() = 0;
  virtual verification check(output_view got) const = 0;
  // Sets up one GPU variant on `device` with this point's inputs; throws gpu_error.
  virtual std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) = 0;

  double flops = 0;  // per call
  double bytes = 0;  // fewest bytes one call must move
  double items = 0;  // predictions (or elements) per call
};

// One parameter of a workload, as suite files give it.
struct param_spec {
  std::string name;
  std::string help;
  std::vector<std::string> choices;  // a string parameter: allowed values (empty: any string, see check)
  int64_t min = 0, max = 0;          // an integer parameter when choices is empty and max > 0
  bool optional = false;             // may be absent (check() says when it is needed)
  bool is_int() const { return choices.empty() && max > 0; }
};

struct cpu_variant {
  std::string name;
  bool parallel = true;  // runs once per --cpu-threads value; otherwise once, single-threaded
};

struct workload {
  std::string name;
  std::string description;
  std::string items_name;  // what items_per_s counts, e.g. "predictions"
  std::vector<cpu_variant> cpu_variants;  // the first is the reference and the speedup's baseline
  std::vector<std::string> gpu_variants;
  std::vector<param_spec> parameters;
  std::string size_param;  // the parameter the crossover sweeps ("batch", "n")
  // Further checks of a complete point beyond the ranges (throws input_error
  // with the message only; the caller adds where the point came from).
  std::function<void(const json& params)> check;
  // Host bytes one point needs, to refuse impossible sizes before allocating.
  std::function<double(const json& params)> host_bytes;
  std::function<std::unique_ptr<workload_point>(const json& params, uint64_t seed)> make_point;
};

const std::vector<workload>& all_workloads();
const workload* find_workload(const std::string& name);
// "mlp, batched_gemm, ...": for messages naming what exists.
std::string workload_names();

// Reads integer / string parameters of a point that check() has accepted.
inline int64_t int_param(const json& p, const char* name) { return p.at(name).get<int64_t>(); }
inline std::string str_param(const json& p, const char* name) { return p.at(name).get<std::string>(); }

}  // namespace accel
