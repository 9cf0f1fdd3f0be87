// bench/roofline.cpp on synthetic reports (crossover, bound, transfer share),
// and the peaks probe's sanity on this machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "mlp_cpu.hpp"
#include "peaks.hpp"
#include "peaks_cpu.hpp"
#include "roofline.hpp"

using namespace accel;

namespace {

speedup_result sp(int64_t n, double value, double lo, double hi, const std::string& verdict = "inconclusive") {
  speedup_result s;
  s.workload = "reduce";
  s.params = {{"op", "sum"}, {"n", n}};
  s.variant = "custom";
  s.timing = "end_to_end";
  s.value = value;
  s.ci95 = {lo, hi};
  s.target = 4.22;
  s.verdict = verdict;
  return s;
}

case_result timed(const std::string& backend, const std::string& timing, double median_ns, double flops, double bytes) {
  case_result c;
  c.workload = "reduce";
  c.params = {{"op", "sum"}, {"n", 4}};
  c.backend = backend;
  c.variant = backend == "cpu" ? "eigen" : "custom";
  c.timing = timing;
  c.samples_ns = {median_ns};
  c.stats.median = median_ns;
  c.flops_per_call = flops;
  c.bytes_per_call = bytes;
  c.gflops = flops / median_ns;
  return c;
}

}  // namespace

TEST(Crossover, BreakEvenAndTargetFromTheSweep) {
  report r;
  // Given out of order: the crossover sorts by size.
  r.speedups = {sp(4096, 2.0, 1.9, 2.1), sp(1024, 0.5, 0.4, 0.6), sp(65536, 5.0, 4.5, 5.5, "pass"),
                sp(16384, 4.4, 4.1, 4.7)};
  const json x = compute_crossovers(r);
  ASSERT_EQ(x.size(), 1u);
  EXPECT_EQ(x[0]["series"], json({{"op", "sum"}}));
  EXPECT_EQ(x[0]["sizes"], json({1024, 4096, 16384, 65536}));
  EXPECT_EQ(x[0]["break_even_size"], 4096);
  EXPECT_EQ(x[0]["target_size"], 65536);  // 16384's CI low (4.1) is below 4.22
}

TEST(Crossover, NotReachedAndNotMeasured) {
  report r;
  r.speedups = {sp(1024, 0.5, 0.4, 0.6), sp(4096, 0.9, 0.8, 1.05)};
  json x = compute_crossovers(r);
  EXPECT_TRUE(x[0]["break_even_size"].is_null());
  EXPECT_TRUE(x[0]["target_size"].is_null());
  EXPECT_TRUE(x[0]["measured"].get<bool>());

  report none;
  none.speedups = {sp(1024, 0, 0, 0, "not_measured")};
  x = compute_crossovers(none);
  EXPECT_FALSE(x[0]["measured"].get<bool>());
  EXPECT_TRUE(x[0]["speedups"][0].is_null());
}

TEST(Crossover, SeriesAndVariantsAreSeparate) {
  report r;
  r.speedups = {sp(1024, 2, 1.5, 2.5), sp(1024, 3, 2.5, 3.5)};
  r.speedups[1].params["op"] = "rows";
  r.speedups.push_back(sp(1024, 1, 0.5, 1.5));
  r.speedups.back().variant = "cub";
  EXPECT_EQ(compute_crossovers(r).size(), 3u);
}

TEST(Roofline, BoundPercentAndTransferShare) {
  report r;
  r.system.peaks = {{"cpu", {{"triad_gb_per_s", 20.0}, {"fma_gflops", 200.0}}},
                    {"gpu", {{"d2d_gb_per_s", 2000.0}, {"fma_gflops", 50000.0}}}};
  r.cases = {timed("cpu", "cpu", 100, 100, 1000),          // 0.1 flop/byte < 10: memory; 10 GB/s of 20
             timed("cpu", "cpu", 100, 100000, 1000),       // 100 flop/byte: compute; 1000 GFLOP/s of 200
             timed("gpu", "kernel", 10, 100, 1000),        // 100 GB/s of 2000
             timed("gpu", "end_to_end", 40, 100, 1000)};   // kernel 10 of 40: 75 % transfers
  apply_roofline(r);
  EXPECT_EQ(r.cases[0].bound, "memory");
  EXPECT_NEAR(*r.cases[0].pct_of_peak, 50.0, 1e-9);
  EXPECT_EQ(r.cases[1].bound, "compute");
  EXPECT_NEAR(*r.cases[1].pct_of_peak, 500.0, 1e-9);
  EXPECT_EQ(r.cases[2].bound, "memory");
  EXPECT_NEAR(*r.cases[2].pct_of_peak, 5.0, 1e-9);
  ASSERT_TRUE(r.cases[3].transfer_share.has_value());
  EXPECT_NEAR(*r.cases[3].transfer_share, 0.75, 1e-12);
  EXPECT_FALSE(r.cases[3].pct_of_peak.has_value());

  report no_peaks;
  no_peaks.cases = {timed("cpu", "cpu", 100, 100, 1000)};
  apply_roofline(no_peaks);
  EXPECT_TRUE(no_peaks.cases[0].bound.empty());
  EXPECT_NEAR(no_peaks.cases[0].gb_per_s, 10.0, 1e-12);
}

// The memory ceiling is the best of a side's bandwidth figures; an older
// report's triad or copy alone still gives one; compared with another report,
// only the figures both hold count.
TEST(Roofline, MemoryCeilingIsTheBestFigure) {
  const json now = {{"cpu", {{"triad_gb_per_s", 20.0}, {"read_gb_per_s", 26.0}, {"update_gb_per_s", 30.0},
                             {"fma_gflops", 200.0}}},
                    {"gpu", {{"d2d_gb_per_s", 2900.0}, {"read_gb_per_s", 3100.0}, {"fma_gflops", 50000.0}}}};
  const json old = {{"cpu", {{"triad_gb_per_s", 18.0}, {"fma_gflops", 190.0}}},
                    {"gpu", {{"d2d_gb_per_s", 2000.0}, {"fma_gflops", 40000.0}}}};
  EXPECT_EQ(ceiling_of(now, "cpu", "memory"), 30.0);
  EXPECT_EQ(ceiling_of(now, "gpu", "memory"), 3100.0);
  EXPECT_EQ(ceiling_of(now, "cpu", "compute"), 200.0);
  EXPECT_EQ(ceiling_of(old, "cpu", "memory"), 18.0);
  EXPECT_EQ(ceiling_of(old, "gpu", "memory"), 2000.0);
  EXPECT_EQ(ceiling_of(now, "cpu", "memory", old), 20.0);
  EXPECT_EQ(ceiling_of(now, "gpu", "memory", old), 2900.0);
  EXPECT_EQ(ceiling_of(old, "gpu", "memory", now), 2000.0);
  EXPECT_EQ(ceiling_of(now, "gpu", "compute", old), 50000.0);
  EXPECT_EQ(ceiling_of(json{{"cpu", nullptr}}, "cpu", "memory"), 0.0);

  report r;
  r.system.peaks = now;
  r.cases = {timed("cpu", "cpu", 100, 100, 1500), timed("gpu", "kernel", 1, 100, 1550)};
  apply_roofline(r);
  EXPECT_NEAR(*r.cases[0].pct_of_peak, 50.0, 1e-9);  // 15 GB/s of the update's 30
  EXPECT_NEAR(*r.cases[1].pct_of_peak, 50.0, 1e-9);  // 1550 GB/s of the read's 3100
}

// Positive, finite, and below physical bounds no machine of today exceeds.
TEST(Peaks, MeasuredCeilingsAreSane) {
  set_cpu_threads(cpu_threads_available());
  const gpu_probe g = gpu::probe();
  const json p = measure_peaks(g, 0);
  for (const char* k : {"triad_gb_per_s", "read_gb_per_s", "update_gb_per_s"}) {
    const double bw = p["cpu"][k].get<double>();
    EXPECT_TRUE(std::isfinite(bw) && bw > 0.1 && bw < 10000) << k << " " << bw;
  }
  const double fma = p["cpu"]["fma_gflops"].get<double>();
  EXPECT_TRUE(std::isfinite(fma) && fma > 0.1 && fma < 1e6) << fma;
  if (!g.usable) {
    EXPECT_TRUE(p["gpu"].is_null());
    EXPECT_TRUE(p["gpu_reason"].is_string());
    return;
  }
  ASSERT_TRUE(p["gpu"].is_object()) << p.dump();
  const json& m = p["gpu"];
  for (const char* k : {"d2d_gb_per_s", "read_gb_per_s"}) {
    EXPECT_GT(m[k].get<double>(), 10) << k;
    // Within (a margin over) what the device properties promise.
    EXPECT_LT(m[k].get<double>(), 1.1 * p["gpu_datasheet"]["memory_gb_per_s"].get<double>()) << k;
  }
  EXPECT_GT(m["fma_gflops"].get<double>(), 100);
  EXPECT_LT(m["fma_gflops"].get<double>(), 1e6);
  EXPECT_GT(m["h2d_gb_per_s"].get<double>(), 0.5);
  EXPECT_LT(m["h2d_gb_per_s"].get<double>(), 1000);
  EXPECT_LT(m["fma_gflops"].get<double>(), 1.1 * p["gpu_datasheet"]["fp32_gflops"].get<double>());
}

// The CPU FMA ceiling is a ceiling: the MLP's CPU path at a large batch (the
// fastest compute-bound code of the CPU side, near the ceiling on the VM here)
// stays below it. A probe whose accumulators GCC kept on the stack read a
// quarter of the rate, and nothing noticed. Probe and MLP take turns, best of
// four each, so a neighbour that slows the machine for a while (another test
// under ctest -j) slows both, not only one.
TEST(Peaks, CpuFmaCeilingIsAboveTheMlpsRate) {
#ifdef ACCELBENCH_SANITIZED
  GTEST_SKIP() << "sanitizer build: its timings are the instrumentation's";
#endif
  set_cpu_threads(cpu_threads_available());
  const int batch = 4096;
  const mlp_model m = make_mlp({1024, 1024, 1024}, 7);
  const std::vector<float> x = make_mlp_input(m, batch, 8);
  std::vector<float> out(size_t(batch) * m.output_width());
  mlp_cpu_workspace ws(m);
  const size_t small_arrays = size_t(8) << 20;  // the memory figures are not what this checks
  double mlp_gflops = 0, ceiling = 0;
  for (int rep = 0; rep < 4; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    mlp_forward_cpu(m, x.data(), batch, out.data(), ws);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    mlp_gflops = std::max(mlp_gflops, m.flops_per_sample() * batch / s / 1e9);
    ceiling = std::max(ceiling, measure_cpu_peaks(small_arrays).fma_gflops);
  }
  ASSERT_TRUE(std::isfinite(out[0]));
  EXPECT_LT(mlp_gflops, 1.25 * ceiling) << "MLP forward " << mlp_gflops << " GFLOP/s, FMA ceiling " << ceiling;
}

TEST(Peaks, DatasheetFp32ForKnownArchitectures) {
  gpu_info h100;
  h100.compute_capability = "9.0";
  h100.sm_count = 132;
  h100.clock_mhz = 1980;
  EXPECT_NEAR(datasheet_fp32_gflops(h100), 132 * 128 * 2 * 1.98, 1e-6);  // ~66.9 TFLOP/s, the SXM datasheet
  gpu_info unknown = h100;
  unknown.compute_capability = "1.0";
  EXPECT_EQ(datasheet_fp32_gflops(unknown), 0);
}
