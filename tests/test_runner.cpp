// bench/runner.cpp: the path a GPU case takes through the runner (make,
// verify, time kernel and end to end, speedup or the reason there is none),
// run on every machine with a test workload whose "GPU" variants are fakes
// computed on the host. Their timings are made up by the fakes and only ever
// reach this test's report, never a real one.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <sstream>

#include "fake_gpu.hpp"
#include "memory_tracker.hpp"
#include "reporters/reporters.hpp"
#include "runner.hpp"
#include "workload.hpp"

using namespace accel;
using accel::fakes::fake_device_run;
using accel::fakes::kFakeDeviceBytes;

namespace {

// The fake GPU variants (fake_gpu.hpp) the toy workload offers; "poisons"
// only where a test asks for it.
const std::vector<std::string> kVariants{"fast", "slow", "wrong", "no_memory", "kernel_fails"};

// out = 2 x + 1 over n floats; with `drift`, each call's answer moves a little
// (a CPU path that disagrees with itself).
class toy_point final : public workload_point {
 public:
  toy_point(size_t n, bool drift) : drift_(drift), x_(n), out_(n) {
    for (size_t i = 0; i < n; ++i) x_[i] = float(i % 7) - 3.f;
    flops = 2.0 * double(n);
    bytes = 8.0 * double(n);
    items = double(n);
  }
  void run_cpu(int) override {
    const float moved = drift_ ? 0.01f * float(++calls_) : 0.f;
    for (size_t i = 0; i < x_.size(); ++i) out_[i] = 2.f * x_[i] + 1.f + moved;
  }
  output_view cpu_output() const override { return {out_.data(), out_.size() * sizeof(float)}; }
  void keep_reference() override { ref_ = out_; }
  verification check(output_view got) const override {
    return verify_close(ref_, {static_cast<const float*>(got.data), got.bytes / sizeof(float)}, {1e-6, 1e-6});
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int) override {
    return std::make_unique<fake_device_run>(variant, output_view{ref_.data(), ref_.size() * sizeof(float)});
  }

 private:
  bool drift_;
  int calls_ = 0;
  std::vector<float> x_, out_, ref_;
};

workload toy_workload(bool parallel_reference = true, std::vector<std::string> gpu_variants = kVariants) {
  workload w;
  w.name = "toy";
  w.items_name = "elements";
  w.cpu_variants = {{"loop", parallel_reference}};
  w.gpu_variants = std::move(gpu_variants);
  w.parameters = {{"n", "elements", {}, 1, 1 << 20}, {"drift", "0 or 1", {}, 0, 1, true}};
  w.size_param = "n";
  w.check = [](const json&) {};
  w.host_bytes = [](const json& p) { return 12.0 * double(int_param(p, "n")); };
  w.make_point = [](const json& p, uint64_t) -> std::unique_ptr<workload_point> {
    return std::make_unique<toy_point>(size_t(int_param(p, "n")), p.value("drift", 0) == 1);
  };
  return w;
}

run_config quick_config() {
  run_config cfg;
  cfg.rule.min_samples = 5;
  cfg.rule.min_time_s = 0.01;
  cfg.rule.max_noise = 0.05;
  cfg.rule.max_time_s = 1;
  cfg.rule.rounds = 2;
  cfg.rounds_in = "this_process";  // a child process would not know the test workload
  return cfg;
}

gpu_probe fake_gpu() { return accel::fakes::fake_probe("fake GPU"); }

const case_result& find_case(const report& r, const std::string& variant, const std::string& timing) {
  for (const auto& c : r.cases)
    if (c.variant == variant && c.timing == timing) return c;
  throw std::runtime_error("no case " + variant + "/" + timing);
}

const speedup_result& find_speedup(const report& r, const std::string& variant, const std::string& timing) {
  for (const auto& s : r.speedups)
    if (s.variant == variant && s.timing == timing) return s;
  throw std::runtime_error("no speedup " + variant + "/" + timing);
}

struct toy_run {
  workload w;
  run_config cfg = quick_config();
  report rep;
  explicit toy_run(const gpu_probe& gpu, std::vector<int64_t> sizes = {4096}, bool parallel_reference = true,
                   bool drift = false)
      : w(toy_workload(parallel_reference)) {
    std::vector<suite_point> points;
    for (int64_t n : sizes) points.push_back({&w, drift ? json{{"n", n}, {"drift", 1}} : json{{"n", n}}, {}});
    run_cases(cfg, points, gpu, rep, {});
  }
};

}  // namespace

TEST(RunnerGpuPath, EveryVariantGetsItsTwoCasesAndSpeedups) {
  const toy_run t(fake_gpu());
  EXPECT_EQ(t.rep.cases.size(), 1 + 2 * kVariants.size());
  EXPECT_EQ(t.rep.speedups.size(), 2 * kVariants.size());
  std::set<std::string> seen;
  for (const auto& s : t.rep.speedups) seen.insert(s.variant + "/" + s.timing);
  EXPECT_EQ(seen.size(), 2 * kVariants.size()) << "one speedup per variant and timing";
  ASSERT_EQ(t.rep.completed_points.size(), 1u);
  EXPECT_EQ(t.rep.cases.front().backend, "cpu");
  EXPECT_EQ(t.rep.cases.front().round_sizes.size(), 2u) << "the CPU case samples in --rounds rounds";
}

TEST(RunnerGpuPath, VerifiedVariantsAreTimedAndJudged) {
  const toy_run t(fake_gpu());
  const case_result& cpu = t.rep.cases.front();
  for (const char* timing : {"kernel", "end_to_end"}) {
    const case_result& fast = find_case(t.rep, "fast", timing);
    EXPECT_EQ(fast.status, "ok");
    ASSERT_TRUE(fast.verification.has_value());
    EXPECT_TRUE(fast.verification->passed);
    EXPECT_FALSE(fast.samples_ns.empty());
    EXPECT_EQ(fast.round_sizes.size(), 1u) << "a GPU case samples in one round";
    EXPECT_GT(fast.stats.median, 0);
    ASSERT_TRUE(fast.memory.has_value());
    EXPECT_EQ(fast.memory->device_peak_bytes, kFakeDeviceBytes) << "the tracker's peak during the case";
    EXPECT_GT(fast.items_per_s, 0);

    const speedup_result& s = find_speedup(t.rep, "fast", timing);
    EXPECT_EQ(s.verdict, "pass") << s.value;
    EXPECT_NEAR(s.value, cpu.stats.median / fast.stats.median, 1e-9 * s.value) << "CPU median / GPU median";
    EXPECT_LE(s.ci95.lo, s.value);
    EXPECT_GE(s.ci95.hi, s.value);
    EXPECT_EQ(find_speedup(t.rep, "slow", timing).verdict, "fail");
  }
  EXPECT_EQ(device_memory().current_bytes(), 0u) << "every fake device run was destroyed";
}

// --cache cold: every case samples one call at a time (each after its
// eviction), and the GPU runs are told: the fakes' cold calls take 3 times as long.
TEST(RunnerGpuPath, ColdCachesTimeOneCallPerSampleOnBothSides) {
  const workload w = toy_workload(true, {"fast", "steady"});
  run_config cfg = quick_config();
  cfg.rule.cold = true;
  // Cold, --min-time counts wall time: a fake's call costs next to none, and
  // 0.01 s of them would be 10^5 samples to bootstrap.
  cfg.rule.min_time_s = 0;
  report rep;
  run_cases(cfg, {{&w, json{{"n", 4096}}, {}}}, fake_gpu(), rep, {});
  ASSERT_EQ(rep.cases.size(), 5u);
  for (const auto& c : rep.cases) {
    EXPECT_EQ(c.status, "ok") << c.error;
    EXPECT_EQ(c.iterations_per_sample, 1) << c.variant << " " << c.timing;
  }
  EXPECT_NEAR(find_case(rep, "steady", "kernel").stats.median, 3e3, 10);
  EXPECT_NEAR(find_case(rep, "steady", "end_to_end").stats.median, 6e3, 20);
}

TEST(RunnerGpuPath, AFailedVerificationKeepsTheTimesButPublishesNoSpeed) {
  const toy_run t(fake_gpu());
  for (const char* timing : {"kernel", "end_to_end"}) {
    const case_result& c = find_case(t.rep, "wrong", timing);
    EXPECT_EQ(c.status, "verify_failed");
    ASSERT_TRUE(c.verification.has_value());
    EXPECT_FALSE(c.verification->passed);
    EXPECT_EQ(c.verification->mismatches, 1u);
    EXPECT_NEAR(c.verification->max_abs_err, 1.0, 1e-6);
    EXPECT_FALSE(c.samples_ns.empty()) << "its times are reported";
    const speedup_result& s = find_speedup(t.rep, "wrong", timing);
    EXPECT_EQ(s.verdict, "not_measured");
    EXPECT_EQ(s.value, 0);
    EXPECT_EQ(s.reason.rfind("verification failed: index 2048", 0), 0u) << s.reason;
  }
}

TEST(RunnerGpuPath, GpuErrorsAreRecordedPerCaseAndTheRunGoesOn) {
  const toy_run t(fake_gpu());
  for (const char* timing : {"kernel", "end_to_end"}) {
    const case_result& c = find_case(t.rep, "no_memory", timing);
    EXPECT_EQ(c.status, "error");
    EXPECT_NE(c.error.find("fake out of memory"), std::string::npos);
    EXPECT_TRUE(c.samples_ns.empty());
    EXPECT_EQ(find_speedup(t.rep, "no_memory", timing).reason, "GPU error: fake out of memory");
  }
  const case_result& k = find_case(t.rep, "kernel_fails", "kernel");
  EXPECT_EQ(k.status, "error");
  EXPECT_TRUE(k.samples_ns.empty());
  EXPECT_EQ(find_speedup(t.rep, "kernel_fails", "kernel").verdict, "not_measured");
  EXPECT_EQ(find_case(t.rep, "kernel_fails", "end_to_end").status, "ok") << "the other timing still runs";
  EXPECT_EQ(find_speedup(t.rep, "kernel_fails", "end_to_end").verdict, "pass");
  EXPECT_EQ(find_case(t.rep, "fast", "kernel").status, "ok") << "variants after a failing one still run";
}

TEST(RunnerGpuPath, WithoutAUsableGpuEverySpeedupSaysWhy) {
  gpu_probe none;
  none.built_with_cuda = true;
  none.reason = "fake: no device";
  const toy_run t(none);
  ASSERT_EQ(t.rep.cases.size(), 1u) << "only the CPU case";
  ASSERT_EQ(t.rep.speedups.size(), 2 * kVariants.size());
  for (const auto& s : t.rep.speedups) {
    EXPECT_EQ(s.verdict, "not_measured");
    EXPECT_EQ(s.reason, "no GPU: fake: no device");
  }
}

TEST(RunnerGpuPath, ASingleThreadedReferenceIsTheBaseline) {
  const toy_run t(fake_gpu(), {4096}, false);
  const case_result& cpu = t.rep.cases.front();
  EXPECT_EQ(cpu.threads, 1);
  const speedup_result& s = find_speedup(t.rep, "fast", "kernel");
  EXPECT_EQ(s.verdict, "pass") << s.reason;
  EXPECT_NEAR(s.value, cpu.stats.median / find_case(t.rep, "fast", "kernel").stats.median, 1e-9 * s.value);
}

TEST(RunnerGpuPath, ACpuReferenceThatDisagreesWithItselfJudgesNoGpu) {
  const toy_run t(fake_gpu(), {4096}, true, true);
  ASSERT_EQ(t.rep.cases.size(), 1u) << "no GPU variant is set up against a reference that moves";
  EXPECT_EQ(t.rep.cases.front().status, "verify_failed");
  ASSERT_EQ(t.rep.speedups.size(), 2 * kVariants.size());
  for (const auto& s : t.rep.speedups) {
    EXPECT_EQ(s.verdict, "not_measured");
    EXPECT_EQ(s.reason, "the CPU reference failed its own check");
  }
}

TEST(RunnerGpuPath, ALostContextStopsTheGpuCasesAfterItWithTheReason) {
  const workload w = toy_workload(true, {"fast", "poisons", "slow"});
  std::vector<suite_point> points{{&w, json{{"n", 64}}, {}}, {&w, json{{"n", 128}}, {}}};
  report rep;
  run_cases(quick_config(), points, fake_gpu(), rep, {});
  EXPECT_EQ(find_case(rep, "fast", "kernel").status, "ok") << "cases before the loss are kept";
  EXPECT_EQ(find_case(rep, "poisons", "kernel").status, "error");
  size_t gpu_cases = 0;
  for (const auto& c : rep.cases) gpu_cases += c.backend == "gpu";
  EXPECT_EQ(gpu_cases, 3u) << "fast x 2 and the poisoning case; nothing after it";
  const std::string why = "GPU context lost at toy n=64 gpu/poisons (fake illegal address)";
  ASSERT_EQ(rep.speedups.size(), 12u);
  for (size_t i = 2; i < rep.speedups.size(); ++i) {
    const speedup_result& s = rep.speedups[i];
    EXPECT_EQ(s.verdict, "not_measured") << i;
    EXPECT_EQ(s.reason, i == 2 ? "GPU error: fake illegal address" : why) << i;
  }
  ASSERT_EQ(rep.warnings.size(), 1u);
  EXPECT_EQ(rep.warnings[0].rfind(why, 0), 0u) << rep.warnings[0];
}

TEST(RunnerGpuPath, AReportWithGpuCasesSurvivesItsJsonForm) {
  const toy_run t(fake_gpu(), {1000, 4096});
  const report back = report_from_json(to_json(t.rep));
  ASSERT_EQ(back.cases.size(), t.rep.cases.size());
  ASSERT_EQ(back.speedups.size(), t.rep.speedups.size());
  for (size_t i = 0; i < back.cases.size(); ++i) {
    EXPECT_EQ(back.cases[i].status, t.rep.cases[i].status) << i;
    EXPECT_EQ(back.cases[i].samples_ns, t.rep.cases[i].samples_ns) << i;
  }
  for (size_t i = 0; i < back.speedups.size(); ++i) {
    EXPECT_EQ(back.speedups[i].verdict, t.rep.speedups[i].verdict) << i;
    EXPECT_EQ(back.speedups[i].reason, t.rep.speedups[i].reason) << i;
  }
  EXPECT_EQ(back.completed_points.size(), 2u);
}

TEST(RunnerGpuPath, EveryFormatRendersARunWithGpuCases) {
  const toy_run t(fake_gpu());
  for (const auto& f : known_formats()) {
    std::ostringstream o;
    ASSERT_NO_THROW(write_format(f, t.rep, o)) << f;
    EXPECT_GT(o.str().size(), 100u) << f;
    if (f == "md" || f == "html" || f == "junit") {
      EXPECT_NE(o.str().find("verification failed"), std::string::npos) << f << " hides why a speedup is missing";
    }
  }
}

// Scaling efficiency = speedup over one thread / threads, matched by
// workload, variant and params; cases that did not run fine get none.
TEST(Runner, ScalingEfficiencyIsSpeedupPerThread) {
  const auto cpu_case = [](int threads, double median, const char* variant = "eigen") {
    case_result c;
    c.workload = "reduce";
    c.params = {{"op", "sum"}, {"n", 1 << 20}};
    c.backend = "cpu";
    c.variant = variant;
    c.timing = "cpu";
    c.threads = threads;
    c.status = "ok";
    c.stats.median = median;
    return c;
  };
  report r;
  r.cases = {cpu_case(1, 1000), cpu_case(2, 600), cpu_case(4, 400), cpu_case(4, 100, "std")};
  r.cases.push_back(cpu_case(8, 200));
  r.cases.back().status = "error";
  add_scaling_efficiency(r);
  EXPECT_FALSE(r.cases[0].scaling_efficiency.has_value());
  ASSERT_TRUE(r.cases[1].scaling_efficiency.has_value());
  EXPECT_DOUBLE_EQ(*r.cases[1].scaling_efficiency, 1000.0 / (600 * 2));
  EXPECT_DOUBLE_EQ(*r.cases[2].scaling_efficiency, 1000.0 / (400 * 4));
  EXPECT_FALSE(r.cases[3].scaling_efficiency.has_value()) << "no one-thread case of its variant";
  EXPECT_FALSE(r.cases[4].scaling_efficiency.has_value());
}
