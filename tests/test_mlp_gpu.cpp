// GPU MLP variants (gpu/mlp_gpu.cu) against the CPU path on random inputs.
// Skipped, with the runtime's reason, where no GPU is usable.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "gpu_test_util.hpp"
#include "memory_tracker.hpp"
#include "mlp_cpu.hpp"
#include "verify.hpp"

using namespace accel;

namespace {

struct shape {
  std::vector<int> widths;
  int batch;
};

// Thin (<= 64 rows) and wide tile paths; sizes off every tile multiple; size 1.
const shape kShapes[] = {
    {{1, 1}, 1},        {{512, 1024, 64}, 1},   {{70, 129, 5}, 33},     {{300, 200, 100, 10}, 257},
    {{31, 17, 3}, 64},  {{64, 130, 2}, 65},     {{512, 1024, 1024, 64}, 1000},
};

void expect_matches_cpu(const std::string& variant, const shape& s, uint64_t seed) {
  const mlp_model m = make_mlp(s.widths, seed);
  const auto x = make_mlp_input(m, s.batch, seed + 1);
  std::vector<float> cpu(size_t(s.batch) * m.output_width());
  mlp_cpu_workspace ws(m);
  mlp_forward_cpu(m, x.data(), s.batch, cpu.data(), ws);
  auto run = gpu::make_mlp_run(variant, 0, m, x.data(), s.batch);
  run->run_once();
  const auto v = verify_close(cpu, gpu_floats(*run), {1e-5, 1e-3});
  EXPECT_TRUE(v.passed) << variant << " batch " << s.batch << ": " << v.first_mismatch << " (" << v.mismatches
                        << " mismatches, max abs " << v.max_abs_err << ")";
}

}  // namespace

class MlpGpu : public ::testing::TestWithParam<std::string> {};

TEST_P(MlpGpu, MatchesCpuPath) {
  REQUIRE_GPU();
  set_cpu_threads(cpu_threads_available());
  uint64_t seed = 300;
  for (const auto& s : kShapes) expect_matches_cpu(GetParam(), s, seed++);
}

// More rows than 65535 row tiles of 128 (gridDim.y's limit, which the custom
// SGEMM once used for row tiles). The same kernels as above over a larger
// grid, so scripts/compute_sanitizer.sh leaves it out (racecheck would take
// many minutes over 2^23 rows).
TEST_P(MlpGpu, BatchAboveGridYLimit) {
  REQUIRE_GPU();
  set_cpu_threads(cpu_threads_available());
  expect_matches_cpu(GetParam(), {{3, 2}, 65535 * 128 + 1}, 400);
}

TEST_P(MlpGpu, TimingsArePositiveAndResultsRepeat) {
  REQUIRE_GPU();
  const mlp_model m = make_mlp({256, 512, 32}, 11);
  const auto x = make_mlp_input(m, 128, 12);
  auto run = gpu::make_mlp_run(GetParam(), 0, m, x.data(), 128);
  run->run_once();
  const auto first = gpu_floats(*run);
  EXPECT_GT(run->time_kernel_ns(3), 0);
  EXPECT_GT(run->time_end_to_end_ns(3), 0);
  const auto again = gpu_floats(*run);
  EXPECT_EQ(first, again);
  // --cache cold: one call per timing, each behind an L2 eviction that the
  // tracker does not count (the harness's buffer, not the workload's).
  const uint64_t tracked = device_memory().current_bytes();
  run->set_cold(true);
  EXPECT_EQ(device_memory().current_bytes(), tracked);
  EXPECT_GT(run->time_kernel_ns(1), 0);
  EXPECT_GT(run->time_end_to_end_ns(1), 0);
  EXPECT_THROW(run->time_kernel_ns(2), gpu_error);
  EXPECT_EQ(gpu_floats(*run), first);
  run->set_cold(false);
  EXPECT_GT(run->time_kernel_ns(3), 0);
}

TEST_P(MlpGpu, FreesEveryTrackedByte) {
  REQUIRE_GPU();
  const uint64_t before = device_memory().current_bytes();
  {
    const mlp_model m = make_mlp({64, 64, 8}, 13);
    const auto x = make_mlp_input(m, 16, 14);
    auto run = gpu::make_mlp_run(GetParam(), 0, m, x.data(), 16);
    run->run_once();
    EXPECT_GT(device_memory().current_bytes(), before);
  }
  EXPECT_EQ(device_memory().current_bytes(), before);
}

INSTANTIATE_TEST_SUITE_P(Variants, MlpGpu, ::testing::ValuesIn(gpu::mlp_variants()));

TEST(GpuProbe, NeverThrowsAndExplainsItself) {
  const gpu_probe p = gpu::probe();
  if (p.usable) {
    EXPECT_FALSE(p.gpus.empty());
    EXPECT_GT(p.gpus[0].memory_bytes, 0u);
  } else {
    EXPECT_FALSE(p.reason.empty());
  }
}
