// Fake device runs for tests: "GPU" variants computed on the host (their answer
// is the CPU reference's bytes) with made-up timings, so that the runner's GPU
// path and the reports' GPU sections run on machines without a GPU. Their
// numbers only ever reach test reports, never results/.
//   fast:         1 ns per call      steady: 1 us per call      slow: 1 s per call
//                 (end to end: twice that; the samples vary by 0.1-0.2 %;
//                 --cache cold: each 3 times as long, one call per timing)
//   wrong:        the float in the middle of the answer is 1 off (verify_failed)
//   no_memory:    set-up throws an allocation error
//   kernel_fails: the kernel timing throws a launch error; end to end works
//   poisons:      the kernel timing throws an error that lost the CUDA context
// Each fake holds kFakeDeviceBytes of the device-memory tracker while it lives.
#pragma once
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "device_run.hpp"
#include "gpu_info.hpp"
#include "memory_tracker.hpp"
#include "workload.hpp"

namespace accel::fakes {

inline constexpr size_t kFakeDeviceBytes = 3 << 20;

class fake_device_run final : public device_run {
 public:
  fake_device_run(std::string variant, output_view answer)
      : variant_(std::move(variant)),
        out_(static_cast<const char*>(answer.data), static_cast<const char*>(answer.data) + answer.bytes) {
    if (variant_ == "no_memory") throw gpu_error("fake out of memory", gpu_error::kind::alloc);
    if (!device_memory().try_reserve(kFakeDeviceBytes)) throw gpu_error("fake: over the memory limit", gpu_error::kind::alloc);
    if (variant_ == "wrong" && out_.size() >= sizeof(float)) {
      float v;
      char* middle = out_.data() + (out_.size() / sizeof(float) / 2) * sizeof(float);
      std::memcpy(&v, middle, sizeof v);
      v += 1.f;
      std::memcpy(middle, &v, sizeof v);
    }
  }
  ~fake_device_run() override { device_memory().release(kFakeDeviceBytes); }
  void run_once() override {}
  void set_input(const void*) override {}
  const void* output() const override { return out_.data(); }
  size_t output_bytes() const override { return out_.size(); }
  double time_kernel_ns(int iterations) override {
    if (variant_ == "kernel_fails") throw gpu_error("fake launch failure", gpu_error::kind::launch);
    if (variant_ == "poisons") {
      gpu_error e("fake illegal address", gpu_error::kind::sync);
      e.context_lost = true;
      throw e;
    }
    return made_up_ns(iterations);
  }
  double time_end_to_end_ns(int iterations) override { return 2 * made_up_ns(iterations); }
  void set_cold(bool cold) override { cold_ = cold; }

 private:
  double made_up_ns(int iterations) {
    if (cold_ && iterations != 1) throw gpu_error("fake: a cold timing takes one call");
    const double per_call = (variant_ == "slow" ? 1e9 : variant_ == "steady" ? 1e3 : 1.0) * (cold_ ? 3 : 1);
    return iterations * per_call * (1 + 0.001 * double(calls_++ % 3));
  }
  std::string variant_;
  std::vector<char> out_;
  int calls_ = 0;
  bool cold_ = false;
};

// A real workload's point whose GPU variants are fakes answering with its reference.
class fake_gpu_point final : public workload_point {
 public:
  explicit fake_gpu_point(std::unique_ptr<workload_point> real) : real_(std::move(real)) {
    flops = real_->flops;
    bytes = real_->bytes;
    items = real_->items;
  }
  void run_cpu(int v) override { real_->run_cpu(v); }
  output_view cpu_output() const override { return real_->cpu_output(); }
  void keep_reference() override {
    real_->keep_reference();
    const output_view o = real_->cpu_output();
    answer_.assign(static_cast<const char*>(o.data), static_cast<const char*>(o.data) + o.bytes);
  }
  verification check(output_view got) const override { return real_->check(got); }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int) override {
    return std::make_unique<fake_device_run>(variant, output_view{answer_.data(), answer_.size()});
  }

 private:
  std::unique_ptr<workload_point> real_;
  std::vector<char> answer_;
};

// A probe that finds one usable GPU, `name` (no PCI bus id: NVML is not read).
inline gpu_probe fake_probe(const std::string& name) {
  gpu_probe p;
  p.built_with_cuda = true;
  p.usable = true;
  gpu_info g;
  g.name = name;
  g.memory_bytes = uint64_t(1) << 30;
  p.gpus.push_back(g);
  return p;
}

// `real` (its name, parameters and CPU paths) with fake GPU `variants`. Its CPU
// rounds must run in this process (`rounds_in` this_process): a child process
// would be this test program, not accelbench.
inline workload with_fake_gpu(const workload& real, std::vector<std::string> variants) {
  workload w = real;
  w.gpu_variants = std::move(variants);
  w.make_point = [make = real.make_point](const json& params, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<fake_gpu_point>(make(params, seed));
  };
  return w;
}

}  // namespace accel::fakes
