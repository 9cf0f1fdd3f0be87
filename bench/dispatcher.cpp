#include "dispatcher.hpp"

#include <algorithm>

#include "gpu.hpp"
#include "report.hpp"

namespace accel {

backend_mode parse_backend(const std::string& s) {
  if (s == "auto") return backend_mode::automatic;
  if (s == "gpu") return backend_mode::gpu_only;
  if (s == "cpu") return backend_mode::cpu_only;
  throw input_error("--backend: expected auto, gpu or cpu, got '" + s + "'");
}

std::string trigger_name(gpu_error::kind k) {
  switch (k) {
    case gpu_error::kind::alloc: return "alloc";
    case gpu_error::kind::launch: return "launch";
    case gpu_error::kind::sync: return "sync";
    case gpu_error::kind::other: break;
  }
  return "other";
}

gpu_backend real_gpu_backend(int device) {
  return {gpu::probe, [device](const mlp_model& m, const float* x, int batch) {
            return gpu::make_mlp_run("cublas", device, m, x, batch);
          }};
}

mlp_dispatcher::mlp_dispatcher(const mlp_model& m, backend_mode mode, gpu_backend gpu,
                               std::chrono::nanoseconds retry_after)
    : model_(m), mode_(mode), gpu_(std::move(gpu)), retry_after_(retry_after), ws_(m) {}

answer mlp_dispatcher::from_cpu(const float* x, int batch, float* out, std::string trigger, std::string reason) {
  mlp_forward_cpu(model_, x, batch, out, ws_);
  return {false, std::move(trigger), std::move(reason)};
}

answer mlp_dispatcher::predict(const float* x, int batch, float* out) {
  if (mode_ == backend_mode::cpu_only) return from_cpu(x, batch, out, "backend_cpu", "--backend cpu");
  if (!probe_) probe_ = gpu_.probe();
  if (!probe_->usable) {
    const std::string trigger = probe_->built_with_cuda ? "no_device" : "no_cuda";
    if (mode_ == backend_mode::gpu_only) throw gpu_error("no usable GPU: " + probe_->reason);
    return from_cpu(x, batch, out, trigger, probe_->reason);
  }
  if (failure_ && host_clock::now() - failed_at_ < retry_after_)
    return from_cpu(x, batch, out, failure_->trigger, failure_->reason);
  failure_.reset();
  try {
    if (!session_ || session_batch_ != batch) {
      session_.reset();  // frees the old batch's buffers before allocating new ones
      session_ = gpu_.make(model_, x, batch);
      session_batch_ = batch;
    } else {
      session_->set_input(x);
    }
    session_->run_once();
    const auto* y = static_cast<const float*>(session_->output());
    std::copy(y, y + session_->output_bytes() / sizeof(float), out);
    return {true, "", ""};
  } catch (const gpu_error& e) {
    // Drop the session: its buffers are freed now, and the next request starts
    // from a clean set-up, so a passing fault does not stick.
    session_.reset();
    session_batch_ = 0;
    if (mode_ == backend_mode::gpu_only) throw;
    failure_ = answer{false, trigger_name(e.where), e.what()};
    failed_at_ = host_clock::now();
    return from_cpu(x, batch, out, failure_->trigger, failure_->reason);
  }
}

}  // namespace accel
