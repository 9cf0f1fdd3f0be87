// CPU paths of the batched workloads (cpu/<workload>_cpu.cpp) against simple
// double-precision or std:: references, on fresh random inputs, at sizes that
// are not multiples of any vector or tile width, and at size 1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <vector>

#include "batched_gemm_cpu.hpp"
#include "caches.hpp"
#include "cpu_threads.hpp"
#include "elementwise_cpu.hpp"
#include "random_fill.hpp"
#include "reduce_cpu.hpp"
#include "rng.hpp"
#include "scan_cpu.hpp"
#include "sort_cpu.hpp"
#include "test_inputs.hpp"

using namespace accel;

namespace {

class BatchedCpu : public ::testing::TestWithParam<int> {  // thread count
 protected:
  void SetUp() override { set_cpu_threads(GetParam() == 0 ? cpu_threads_available() : GetParam()); }
};

}  // namespace

TEST_P(BatchedCpu, BatchedGemmMatchesDoubleReference) {
  for (int n : {16, 32, 64, 128, 5}) {
    for (int64_t batch : {int64_t(1), int64_t(7)}) {
      const size_t count = size_t(n) * n * size_t(batch);
      const auto a = uniform(count, 1000 + n), b = uniform(count, 2000 + n);
      std::vector<float> c(count);
      std::vector<double> ref(count);
      batched_gemm_cpu(n, batch, a.data(), b.data(), c.data());
      batched_gemm_reference(n, batch, a.data(), b.data(), ref.data());
      for (size_t i = 0; i < count; ++i) ASSERT_NEAR(c[i], ref[i], 1e-5 * n) << "n " << n << " at " << i;
    }
  }
}

TEST_P(BatchedCpu, SumsMatchDoubleReference) {
  for (size_t n : {size_t(1), size_t(3), size_t(1027), size_t(1) << 20}) {
    const auto x = uniform(n, 3000 + n);
    double abs_sum = 0;
    for (float v : x) abs_sum += std::fabs(v);
    EXPECT_NEAR(sum_cpu(x.data(), n), sum_reference(x.data(), n), 1e-6 * abs_sum + 1e-7) << n;
  }
  // Exact when every partial sum is an integer below 2^24.
  std::vector<float> ints(100003);
  for (size_t i = 0; i < ints.size(); ++i) ints[i] = float(int(i % 7) - 3);
  EXPECT_EQ(double(sum_cpu(ints.data(), ints.size())), sum_reference(ints.data(), ints.size()));
}

TEST_P(BatchedCpu, RowSumsMatchDoubleReference) {
  for (auto [rows, cols] : {std::pair<size_t, size_t>{1, 1}, {65, 7}, {130, 1024}, {3, 4099}}) {
    const auto x = uniform(rows * cols, 4000 + rows);
    std::vector<float> out(rows);
    row_sums_cpu(x.data(), rows, cols, out.data());
    for (size_t r = 0; r < rows; ++r)
      ASSERT_NEAR(out[r], sum_reference(x.data() + r * cols, cols), 1e-6 * double(cols)) << rows << "x" << cols;
  }
}

TEST_P(BatchedCpu, ScansMatchStd) {
  // 57 045: steps of sixteen and a tail (of 1 to 14) in every thread's block, for 1 to 16 threads.
  // 394 217: rounds of tiles (128 Ki elements per thread) with a short last round, for 1 or 2 threads.
  for (size_t n : {size_t(1), size_t(2), size_t(1001), size_t(57045), size_t(394217), size_t(1) << 20}) {
    rng r(5000 + n);
    std::vector<int32_t> x(n), ref(n), got(n), got_std(n);
    for (auto& v : x) v = int32_t(r.below(17)) - 8;
    std::partial_sum(x.begin(), x.end(), ref.begin());
    inclusive_scan_parallel(x.data(), got.data(), n);
    inclusive_scan_std(x.data(), got_std.data(), n);
    EXPECT_EQ(got, ref) << n;
    EXPECT_EQ(got_std, ref) << n;

    const auto xf = uniform(n, 6000 + n);
    std::vector<float> yf(n);
    inclusive_scan_parallel(xf.data(), yf.data(), n);
    double s = 0, a = 0;
    for (size_t i = 0; i < n; ++i) {
      s += xf[i];
      a += std::fabs(xf[i]);
      ASSERT_NEAR(yf[i], s, 1e-6 * a + 1e-6) << "n " << n << " at " << i;
    }
  }
}

TEST_P(BatchedCpu, RadixSortMatchesStdSortStably) {
  // Keys in a small range (all in one top-byte bucket) and over the whole
  // range with every byte in play; both with many duplicates: stability matters.
  for (const bool full_range : {false, true})
  for (size_t n : {size_t(1), size_t(2), size_t(999), size_t(1) << 18}) {
    rng r(7000 + n);
    std::vector<uint32_t> keys(n), vals(n), tk(n);
    std::vector<uint64_t> tp(n);
    for (size_t i = 0; i < n; ++i) {
      keys[i] = full_range ? uint32_t(r.next_u64()) & 0xff0f00f3u : uint32_t(r.next_u64()) % (n < 100 ? 3u : 1000u);
      vals[i] = uint32_t(i);
    }
    std::vector<std::pair<uint32_t, uint32_t>> ref(n);
    for (size_t i = 0; i < n; ++i) ref[i] = {keys[i], vals[i]};
    std::stable_sort(ref.begin(), ref.end(), [](auto a, auto b) { return a.first < b.first; });

    auto k = keys, v = vals;
    radix_sort_parallel(k.data(), v.data(), n, tp.data());
    auto k2 = keys, v2 = vals;
    std::vector<uint64_t> packed(n);
    sort_std(k2.data(), v2.data(), n, packed.data());
    auto k3 = keys;
    radix_sort_parallel(k3.data(), n, tk.data());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(k[i], ref[i].first) << i;
      ASSERT_EQ(v[i], ref[i].second) << i;
      ASSERT_EQ(k2[i], ref[i].first) << i;
      ASSERT_EQ(v2[i], ref[i].second) << i;
      ASSERT_EQ(k3[i], ref[i].first) << i;
    }
  }
}

// Both of saxpy's store paths (plain, and streamed out through a buffer past
// the last-level cache), at sizes off every vector and buffer multiple and
// with an output that starts off a vector boundary; GELU has one path.
TEST_P(BatchedCpu, ElementwiseMatchesDoubleReference) {
  for (size_t n : {size_t(1), size_t(15), size_t(1003), size_t(5000) + 3, size_t(1) << 20}) {
    const auto x = uniform(n, 8000 + n, -4, 4), y = uniform(n, 9000 + n);
    for (store_mode mode : {store_mode::automatic, store_mode::cached, store_mode::streaming}) {
      std::vector<float> out(n + 1, -7.f);
      float* o = out.data() + 1;  // 4 bytes past the allocation's alignment
      saxpy_cpu(1.7f, x.data(), y.data(), o, n, mode);
      ASSERT_EQ(out[0], -7.f);
      for (size_t i = 0; i < n; ++i) ASSERT_NEAR(o[i], 1.7 * double(x[i]) + y[i], 1e-5) << i << " mode " << int(mode);
    }
    std::vector<float> g(n + 1, -7.f);
    gelu_cpu(x.data(), g.data(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(g[i], gelu_reference(x[i]), 1e-5 + 1e-5 * std::fabs(x[i])) << i;
    ASSERT_EQ(g[n], -7.f);
  }
}

// The streaming copy writes exactly dst[0, n), whatever dst's alignment.
TEST(StreamStore, CopiesExactlyTheRangeAtEveryAlignment) {
  std::vector<float> src(200);
  for (size_t i = 0; i < src.size(); ++i) src[i] = float(i) + 0.5f;
  for (size_t offset = 0; offset < 17; ++offset)
    for (size_t n : {size_t(0), size_t(1), size_t(3), size_t(16), size_t(17), size_t(63), size_t(150)}) {
      std::vector<float> dst(offset + n + 20, -1.f);
      stream_copy(dst.data() + offset, src.data(), n);
      stream_fence();
      for (size_t i = 0; i < dst.size(); ++i)
        ASSERT_EQ(dst[i], i >= offset && i < offset + n ? src[i - offset] : -1.f) << offset << " " << n << " " << i;
    }
}

// Streaming pays only past the last-level cache, which /sys gives (else 32 MiB).
TEST(StreamStore, StreamsOnlyPastTheLastLevelCache) {
  const size_t llc = last_level_cache_bytes();
  EXPECT_GE(llc, size_t(256) << 10);
  EXPECT_FALSE(stream_pays(llc));
  EXPECT_TRUE(stream_pays(llc + 1));
  EXPECT_FALSE(use_streaming(store_mode::cached, llc * 4));
  EXPECT_TRUE(use_streaming(store_mode::streaming, 4));
  EXPECT_TRUE(use_streaming(store_mode::automatic, llc * 4));
}

// --cache cold reads twice the last-level caches this process can fill: the
// highest level only, a cache shared by several CPUs once, instruction caches
// never. A fake /sys: CPUs 0-1 share one 32 MiB L3, CPUs 2-3 another.
TEST(Caches, SumsEachReachableLastLevelCacheOnce) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(testing::TempDir()) / ("accel_sysfs_" + std::to_string(::getpid()));
  const auto cache = [&](int cpu, int index, const char* level, const char* type, const char* size,
                         const std::string& shared) {
    const fs::path d = root / ("cpu" + std::to_string(cpu)) / "cache" / ("index" + std::to_string(index));
    fs::create_directories(d);
    for (const auto& [file, text] : {std::pair<const char*, std::string>{"level", level}, {"type", type},
                                     {"size", size}, {"shared_cpu_list", shared}})
      std::ofstream(d / file) << text << "\n";
  };
  for (int cpu = 0; cpu < 4; ++cpu) {
    cache(cpu, 0, "1", "Data", "48K", std::to_string(cpu));
    cache(cpu, 1, "1", "Instruction", "32K", std::to_string(cpu));
    cache(cpu, 2, "2", "Unified", "2048K", std::to_string(cpu));
    cache(cpu, 3, "3", "Unified", "32768K", cpu < 2 ? "0-1" : "2-3");
  }
  cache(0, 4, "4", "Instruction", "8192K", "0-3");  // not data: never counted
  constexpr size_t l3 = size_t(32) << 20;
  EXPECT_EQ(reachable_llc_bytes(root.string(), {0, 1, 2, 3}), 2 * l3);
  EXPECT_EQ(reachable_llc_bytes(root.string(), {0, 1}), l3);
  EXPECT_EQ(reachable_llc_bytes(root.string(), {3}), l3);
  EXPECT_EQ(reachable_llc_bytes(root.string(), {7}), 0u);  // no such CPU
  EXPECT_EQ(reachable_llc_bytes((root / "nothing").string(), {0}), 0u);
  fs::remove_all(root);

  // This machine: twice what its /sys gives (at least one last-level
  // cache), read without fault twice over.
  EXPECT_GE(cpu_eviction_bytes(), 2 * std::min(last_level_cache_bytes(), size_t(1) << 20));
  evict_cpu_caches();
  evict_cpu_caches();
}

// Inputs filled on all threads are the draws of one rng in order: the same
// seed gives the same inputs at any thread count (cpu/random_fill.hpp).
TEST_P(BatchedCpu, RandomFillsAreTheSerialDraws) {
  rng jumped(99);
  jumped.skip(1000);
  rng stepped(99);
  for (int i = 0; i < 1000; ++i) stepped.next_u64();
  EXPECT_EQ(jumped.next_u64(), stepped.next_u64());

  for (size_t n : {size_t(0), size_t(1), size_t(3) * 65536 + 7}) {
    std::vector<float> f(n);
    std::vector<int32_t> k(n);
    std::vector<uint32_t> b(n);
    fill_uniform(f.data(), n, 5, -2.0, 3.0);
    fill_uniform(k.data(), n, 6, -7, 1000);
    fill_bits(b.data(), n, 7);
    rng rf(5), rk(6), rb(7);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(f[i], float(rf.uniform(-2.0, 3.0))) << i;
      ASSERT_EQ(k[i], -7 + int32_t(rk.below(1008))) << i;
      ASSERT_EQ(b[i], uint32_t(rb.next_u64())) << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, BatchedCpu, ::testing::Values(1, 0),
                         [](const auto& test) { return test.param == 1 ? std::string("one") : std::string("all"); });
