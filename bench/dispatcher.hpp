// The fallback dispatcher in front of the MLP GPU path (the "CPU last" rule):
//   auto: answer from the GPU; when it is unusable, from the CPU path, and say why
//   gpu:  strict, a clear error instead of falling back
//   cpu:  never touch the GPU
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "device_run.hpp"
#include "gpu_info.hpp"
#include "mlp_cpu.hpp"
#include "timer.hpp"

namespace accel {

enum class backend_mode { automatic, gpu_only, cpu_only };
backend_mode parse_backend(const std::string& s);  // "auto" | "gpu" | "cpu"

// Why a request was answered by the CPU. Names used in reports.
//   no_cuda, no_device, alloc, launch, sync, other; "" when the GPU answered.
std::string trigger_name(gpu_error::kind k);

// What the dispatcher uses to reach a GPU; tests replace it with fakes.
struct gpu_backend {
  std::function<gpu_probe()> probe;
  std::function<std::unique_ptr<device_run>(const mlp_model&, const float* x, int batch)> make;
};
gpu_backend real_gpu_backend(int device);

struct answer {
  bool by_gpu = false;
  std::string trigger;  // empty when by_gpu
  std::string reason;
};

// In auto mode a failed GPU request is remembered for this long: requests
// meanwhile go straight to the CPU with the failure's trigger and reason
// (detection cached, so a persistent fault does not cost a GPU set-up per
// request); the first request after it tries the GPU again.
inline constexpr std::chrono::milliseconds kGpuRetryAfter{100};

class mlp_dispatcher {
 public:
  mlp_dispatcher(const mlp_model& m, backend_mode mode, gpu_backend gpu,
                 std::chrono::nanoseconds retry_after = kGpuRetryAfter);
  // out: batch x output width. Throws gpu_error in gpu_only mode when the GPU fails.
  answer predict(const float* x, int batch, float* out);
  // The CPU path's packed weights and scratch, for a direct CPU call that
  // should see the same memory as the fallback (one copy, not two in cache).
  mlp_cpu_workspace& cpu_workspace() { return ws_; }

 private:
  answer from_cpu(const float* x, int batch, float* out, std::string trigger, std::string reason);

  const mlp_model& model_;
  backend_mode mode_;
  gpu_backend gpu_;
  std::optional<gpu_probe> probe_;  // detection runs once, on the first request
  std::unique_ptr<device_run> session_;  // weights stay on the device between requests
  int session_batch_ = 0;
  std::chrono::nanoseconds retry_after_;
  std::optional<answer> failure_;  // the last GPU failure, while it is remembered
  host_clock::time_point failed_at_;
  mlp_cpu_workspace ws_;
};

}  // namespace accel
