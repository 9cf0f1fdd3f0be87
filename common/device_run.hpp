// One GPU variant of one workload, set up for one parameter point. Plain C++
// (no CUDA types, C++17 for nvcc) so that the harness in bench/ stays host-only; gpu/ implements it.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace accel {

// A GPU failure (no device, allocation, launch, execution): the case is
// recorded with this message and the harness goes on.
struct gpu_error : std::runtime_error {
  // Where it failed: what the fallback records as its trigger.
  enum class kind { alloc, launch, sync, other };
  explicit gpu_error(const std::string& what, kind k = kind::other) : std::runtime_error(what), where(k) {}
  kind where;
  // A sticky error (an illegal address, a fault inside a kernel) poisons the
  // CUDA context: every later call in this process fails the same way.
  bool context_lost = false;
};

class device_run {
 public:
  virtual ~device_run() = default;
  // Host input -> host output once (H2D, kernels, D2H), synchronised; then
  // output() holds the result for verification.
  virtual void run_once() = 0;
  // Replaces the host input (same size and layout as at set-up) for the next run_once.
  virtual void set_input(const void* host) = 0;
  // The result of the last run_once, as bytes (the workload knows the type).
  virtual const void* output() const = 0;
  virtual size_t output_bytes() const = 0;
  // `iterations` back-to-back calls timed with CUDA events on the run's stream;
  // returns the total in ns. kernel: data already on the device.
  // end_to_end: each call copies the input H2D and the output D2H (pinned host memory).
  virtual double time_kernel_ns(int iterations) = 0;
  virtual double time_end_to_end_ns(int iterations) = 0;
  // --cache cold: from now on each timing first evicts the GPU's L2 (outside
  // the timed span) and takes one call (iterations == 1). Throws gpu_error
  // when the eviction's buffer cannot be had.
  virtual void set_cold(bool cold) = 0;
};

}  // namespace accel
