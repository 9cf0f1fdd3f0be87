// Linked into the test binaries that run GPU code (test_mlp_gpu,
// test_batched_gpu, test_dispatcher): one line before their tests, naming the
// GPU they see or why they see none. scripts/compute_sanitizer.sh reads it: a
// test binary that saw no GPU under the tool (a tool that cannot instrument
// this device, one that hides it, one that never ran the binary) checked no
// GPU code, however clean its error summary.
#include <gtest/gtest.h>

#include <cstdio>

#include "gpu.hpp"

namespace {

class announce_gpu final : public ::testing::Environment {
 public:
  void SetUp() override {
    // The probe queries the devices; it creates no context (the cold-start test measures that).
    const accel::gpu_probe p = accel::gpu::probe();
    if (p.usable)
      std::printf("accelbench GPU tests: on %s (compute capability %s)\n", p.gpus.front().name.c_str(),
                  p.gpus.front().compute_capability.c_str());
    else
      std::printf("accelbench GPU tests: no usable GPU: %s\n", p.reason.c_str());
    std::fflush(stdout);
  }
};

// gtest owns the environment once added.
[[maybe_unused]] ::testing::Environment* const kAnnounce = ::testing::AddGlobalTestEnvironment(new announce_gpu);

}  // namespace
