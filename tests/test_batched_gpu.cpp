// GPU variants of the batched workloads against the CPU paths on random
// inputs, at awkward sizes. Skipped, with the runtime's reason, without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "batched_gemm_cpu.hpp"
#include "cpu_threads.hpp"
#include "elementwise_cpu.hpp"
#include "gpu_test_util.hpp"
#include "memory_tracker.hpp"
#include "reduce_cpu.hpp"
#include "rng.hpp"
#include "sort_cpu.hpp"
#include "test_inputs.hpp"
#include "verify.hpp"

using namespace accel;

TEST(BatchedGpu, GemmVariantsMatchCpu) {
  REQUIRE_GPU();
  for (const auto& variant : gpu::batched_gemm_variants())
    for (int n : {16, 32, 64, 128})
      for (int64_t batch : {int64_t(1), int64_t(37)}) {
        const size_t count = size_t(n) * n * size_t(batch);
        const auto a = uniform(count, 10 + n), b = uniform(count, 20 + n);
        std::vector<float> c(count);
        batched_gemm_cpu(n, batch, a.data(), b.data(), c.data());
        auto run = gpu::make_batched_gemm_run(variant, 0, n, batch, a.data(), b.data());
        run->run_once();
        const auto v = verify_close(c, gpu_floats(*run), {1e-4, 1e-4});
        EXPECT_TRUE(v.passed) << variant << " n " << n << " batch " << batch << ": " << v.first_mismatch;
      }
}

TEST(BatchedGpu, ReduceVariantsMatchDoubleSums) {
  REQUIRE_GPU();
  for (const auto& variant : gpu::reduce_variants())
    for (auto [rows, cols] : {std::pair<size_t, size_t>{1, 1}, {1, 1027}, {1, size_t(1) << 22}, {63, 7}, {1000, 1024}}) {
      const auto x = uniform(rows * cols, rows + cols);
      auto run = gpu::make_reduce_run(variant, 0, x.data(), rows, cols);
      for (int repeat = 0; repeat < 2; ++repeat) {  // the one-pass kernel resets its counter for the next call
        run->run_once();
        const auto got = gpu_floats(*run);
        ASSERT_EQ(got.size(), rows);
        for (size_t r = 0; r < rows; ++r) {
          double a = 0;
          for (size_t c = 0; c < cols; ++c) a += std::fabs(x[r * cols + c]);
          ASSERT_NEAR(got[r], sum_reference(x.data() + r * cols, cols), 1e-6 * a + 1e-7)
              << variant << " " << rows << "x" << cols << " row " << r;
        }
      }
    }
}

TEST(BatchedGpu, ScanMatchesCpu) {
  REQUIRE_GPU();
  for (size_t n : {size_t(1), size_t(1001), size_t(1) << 20}) {
    rng r(n);
    std::vector<int32_t> x(n), ref(n);
    for (auto& v : x) v = int32_t(r.below(17)) - 8;
    std::partial_sum(x.begin(), x.end(), ref.begin());
    auto run = gpu::make_scan_run("thrust", 0, false, x.data(), n);
    run->run_once();
    EXPECT_EQ(gpu_result<int32_t>(*run), ref) << n;

    const auto xf = uniform(n, n + 1);
    auto runf = gpu::make_scan_run("thrust", 0, true, xf.data(), n);
    runf->run_once();
    const auto got = gpu_floats(*runf);
    double s = 0, a = 0;
    for (size_t i = 0; i < n; ++i) {
      s += xf[i];
      a += std::fabs(xf[i]);
      ASSERT_NEAR(got[i], s, 1e-6 * a + 1e-6) << i;
    }
  }
}

TEST(BatchedGpu, SortMatchesCpuExactly) {
  REQUIRE_GPU();
  for (bool pairs : {false, true})
    for (size_t n : {size_t(1), size_t(999), size_t(1) << 20}) {
      rng r(n + pairs);
      std::vector<uint32_t> blob(pairs ? 2 * n : n);
      for (size_t i = 0; i < n; ++i) blob[i] = uint32_t(r.next_u64()) % 5000;
      if (pairs) std::iota(blob.begin() + ptrdiff_t(n), blob.end(), 0u);
      std::vector<uint32_t> ref = blob, tmp(n);
      std::vector<uint64_t> packed(n);
      if (pairs)
        radix_sort_parallel(ref.data(), ref.data() + n, n, packed.data());
      else
        radix_sort_parallel(ref.data(), n, tmp.data());
      auto run = gpu::make_sort_run("thrust", 0, blob.data(), n, pairs);
      run->run_once();
      run->run_once();  // sorts the same unsorted input again
      EXPECT_EQ(gpu_result<uint32_t>(*run), ref) << (pairs ? "pairs " : "keys ") << n;
    }
}

TEST(BatchedGpu, ElementwiseMatchesCpu) {
  REQUIRE_GPU();
  for (size_t n : {size_t(1), size_t(1003), size_t(1) << 20}) {
    const auto x = uniform(n, n, -4, 4), y = uniform(n, n + 1);
    std::vector<float> s(n), g(n);
    saxpy_cpu(1.3f, x.data(), y.data(), s.data(), n);
    gelu_cpu(x.data(), g.data(), n);
    auto rs = gpu::make_elementwise_run("custom", 0, true, 1.3f, x.data(), y.data(), n);
    auto rg = gpu::make_elementwise_run("custom", 0, false, 0.f, x.data(), nullptr, n);
    rs->run_once();
    rg->run_once();
    EXPECT_TRUE(verify_close(s, gpu_floats(*rs), {1e-6, 1e-5}).passed) << n;
    EXPECT_TRUE(verify_close(g, gpu_floats(*rg), {1e-6, 1e-5}).passed) << n;
  }
}

// --cache cold on the batched runs' shared timing (staged_run.cuh): one call
// per timing behind an L2 eviction, and the answer unchanged by it.
TEST(BatchedGpu, ColdTimingsTakeOneCallAndKeepTheAnswer) {
  REQUIRE_GPU();
  const size_t n = 1003;
  const auto x = uniform(n, 7, -4, 4);
  std::vector<float> g(n);
  gelu_cpu(x.data(), g.data(), n);
  auto run = gpu::make_elementwise_run("custom", 0, false, 0.f, x.data(), nullptr, n);
  run->set_cold(true);
  EXPECT_GT(run->time_kernel_ns(1), 0);
  EXPECT_GT(run->time_end_to_end_ns(1), 0);
  EXPECT_THROW(run->time_end_to_end_ns(4), gpu_error);
  EXPECT_TRUE(verify_close(g, gpu_floats(*run), {1e-6, 1e-5}).passed);
}

TEST(BatchedGpu, EveryRunFreesItsTrackedMemory) {
  REQUIRE_GPU();
  const uint64_t before = device_memory().current_bytes();
  {
    const auto x = uniform(4096, 1);
    auto a = gpu::make_reduce_run("cub", 0, x.data(), 1, 4096);
    auto b = gpu::make_scan_run("thrust", 0, true, x.data(), 4096);
    auto c = gpu::make_batched_gemm_run("cublas", 0, 16, 8, x.data(), x.data());
    a->run_once();
    b->run_once();
    c->run_once();
    EXPECT_GT(device_memory().current_bytes(), before);
  }
  EXPECT_EQ(device_memory().current_bytes(), before);
}
