// `validate`: target parsing with field-naming errors, each metric, severities and the exit decision.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>

#include "validate.hpp"

using namespace accel;

namespace {

report sample() {
  report r;
  case_result cpu;
  cpu.workload = "mlp";
  cpu.params = {{"batch", 64}};
  cpu.backend = "cpu";
  cpu.variant = "eigen";
  cpu.timing = "cpu";
  cpu.samples_ns = {100, 100};
  cpu.stats.p99 = 2e6;
  case_result gpu = cpu;
  gpu.backend = "gpu";
  gpu.variant = "custom";
  gpu.timing = "kernel";
  gpu.stats.p99 = 5e5;
  gpu.memory = case_memory{uint64_t(3) << 30, std::nullopt, std::nullopt, 0};
  r.cases = {cpu, gpu};
  r.speedups = {{"mlp", cpu.params, "custom", "kernel", 9.0, {8.5, 9.5}, 4.22, "pass", ""},
                {"mlp", cpu.params, "custom", "end_to_end", 3.0, {2.8, 3.2}, 4.22, "fail", ""},
                {"mlp", cpu.params, "cublas", "kernel", 4.3, {4.0, 4.6}, 4.22, "inconclusive", ""},
                {"reduce", {{"n", 1}}, "custom", "kernel", 0, {}, 4.22, "not_measured", "no GPU: test"}};
  r.fallback = {{"entries", json::array({{{"trigger", "alloc"}, {"batch", 1}, {"steady_ns", {{"p50", 1e5}, {"p99", 4e5}}}},
                                         {{"trigger", "launch"}, {"batch", 1}, {"steady_ns", {{"p50", 1e5}, {"p99", 9e6}}}}})}};
  return r;
}

std::vector<check_result> run(const std::string& targets) { return validate_report(sample(), parse_targets(json::parse(targets))); }

// parse_targets' message for a bad targets file, or "no error".
std::string targets_error(const std::string& text) {
  try {
    parse_targets(json::parse(text));
  } catch (const input_error& e) {
    return e.what();
  }
  return "no error";
}

int count(const std::vector<check_result>& v, const std::string& outcome) {
  int n = 0;
  for (const auto& c : v) n += c.outcome == outcome;
  return n;
}

}  // namespace

TEST(Validate, SpeedupUsesTheCiAgainstTheMin) {
  const auto v = run(R"({"workloads": {"mlp": {"speedup": {"min": 4.22}}}})");
  EXPECT_EQ(count(v, "pass"), 1);
  EXPECT_EQ(count(v, "violation"), 1);
  EXPECT_EQ(count(v, "inconclusive"), 1);
  EXPECT_TRUE(validation_failed(v));  // severity error by default
}

TEST(Validate, WarningsNeverFailTheRun) {
  const auto v = run(R"({"workloads": {"mlp": {"speedup": {"min": 4.22, "severity": "warning"}}}})");
  EXPECT_EQ(count(v, "violation"), 1);
  EXPECT_FALSE(validation_failed(v));
}

TEST(Validate, TimingFilterAndFilteredMetrics) {
  auto v = run(R"({"workloads": {"mlp": {"speedup": {"min": 4.22, "timing": "kernel"}}}})");
  EXPECT_EQ(count(v, "violation"), 0);
  EXPECT_FALSE(validation_failed(v));
  v = run(R"({"workloads": {"mlp": {"device_memory_bytes": {"max": 2147483648, "severity": "critical"}}}})");
  ASSERT_EQ(v.size(), 1u);  // GPU cases only
  EXPECT_EQ(v[0].outcome, "violation");
  EXPECT_NE(v[0].message.find("3.00 GiB"), std::string::npos);
  EXPECT_TRUE(validation_failed(v));
  v = run(R"({"workloads": {"mlp": {"p99_ns": {"max": 1e6, "backend": "gpu"}}}})");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].outcome, "pass");
  v = run(R"({"workloads": {"mlp": {"fallback_latency_ns": {"max": 1e6}}}})");
  EXPECT_EQ(count(v, "pass"), 1);
  EXPECT_EQ(count(v, "violation"), 1);
}

TEST(Validate, StarAppliesOnlyWhereNoOwnRuleAndUnmeasuredUsesItsSeverity) {
  auto v = run(R"({"workloads": {"mlp": {"speedup": {"min": 1}}, "*": {"speedup": {"min": 100, "when_not_measured": "error"}}}})");
  EXPECT_EQ(count(v, "violation"), 0);  // mlp has its own rule (min 1)
  EXPECT_EQ(count(v, "not_measured"), 1);  // reduce, no GPU
  EXPECT_TRUE(validation_failed(v));
  v = run(R"({"workloads": {"*": {"speedup": {"min": 1, "when_not_measured": null}}}})");
  EXPECT_EQ(count(v, "not_measured"), 0);
  EXPECT_FALSE(validation_failed(v));
}

TEST(Validate, DefaultTargetsJudgeEverySpeedupAgainstTheReportsTarget) {
  const report r = sample();
  const auto v = validate_report(r, default_targets(r));
  EXPECT_EQ(count(v, "violation"), 1);
  EXPECT_EQ(count(v, "not_measured"), 1);
  EXPECT_TRUE(validation_failed(v));  // the end_to_end fail
}

TEST(Validate, BadTargetsNameTheField) {
  const auto message = targets_error;
  EXPECT_EQ(message("[]"), "targets: (top level): expected an object with \"workloads\"");
  EXPECT_EQ(message("{}"), "targets: workloads: missing");
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"speed": {"min": 1}}}})").find("targets: workloads.mlp.speed: unknown metric"), 0u);
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"speedup": {"max": 1}}}})").find("targets: workloads.mlp.speedup.max: unknown key"), 0u);
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"speedup": {}}}})"), "targets: workloads.mlp.speedup.min: missing");
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"speedup": {"min": -1}}}})"),
            "targets: workloads.mlp.speedup.min: expected a number in [0, 1e18]");
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"p99_ns": {"max": 1, "severity": "fatal"}}}})"),
            "targets: workloads.mlp.p99_ns.severity: expected warning, error or critical");
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"p99_ns": {"max": 1, "timing": "gpu"}}}})"),
            "targets: workloads.mlp.p99_ns.timing: expected kernel, end_to_end or cpu");
  // Misspelt names would match nothing and turn a gate into a warning.
  EXPECT_EQ(message(R"({"workloads": {"mpl": {"speedup": {"min": 4.22}}}})")
                .find("targets: workloads.mpl: unknown workload (known: mlp, batched_gemm,"),
            0u);
  EXPECT_EQ(message(R"({"workloads": {"mlp": {"speedup": {"min": 4.22, "variant": "cublass"}}}})"),
            "targets: workloads.mlp.speedup.variant: unknown variant of mlp (known: eigen, custom, cublas)");
  EXPECT_EQ(message(R"({"workloads": {"*": {"p99_ns": {"max": 1, "variant": "nope"}}}})")
                .find("targets: workloads.*.p99_ns.variant: unknown variant of any workload (known: eigen,"),
            0u);
  EXPECT_EQ(message(R"({"workloads": {"*": {"p99_ns": {"max": 1, "variant": "thrust"}}}})"), "no error");
  EXPECT_EQ(message(R"({"workloads": {"sort": {"p99_ns": {"max": 1, "variant": "cublas"}}}})")
                .find("targets: workloads.sort.p99_ns.variant: unknown variant of sort"),
            0u);
}

namespace {

// A GPU case of `variant` at `batch`: 30 samples spread +-1 % around `ns`.
case_result gpu_case(const std::string& variant, int batch, double ns, std::optional<double> pct = std::nullopt) {
  case_result c;
  c.workload = "mlp";
  c.params = {{"batch", batch}, {"layers", "512,1024,64"}};
  c.backend = "gpu";
  c.variant = variant;
  c.timing = "kernel";
  for (int i = 0; i < 30; ++i) c.samples_ns.push_back(ns * (0.99 + 0.02 * (i % 7) / 6.0));
  c.pct_of_peak = pct;
  c.bound = "compute";
  return c;
}

}  // namespace

// The issues' kernel aims: an own variant's throughput against the library's
// at the same point and timing, narrowed to a parameter range.
TEST(Validate, VariantRatioSetsOneGpuVariantAgainstAnother) {
  report r;
  r.cases = {gpu_case("cublas", 64, 100), gpu_case("custom", 64, 400),      // 0.25, but batch < 4096
             gpu_case("cublas", 4096, 100), gpu_case("custom", 4096, 140),  // 0.71
             gpu_case("cublas", 16384, 100), gpu_case("custom", 16384, 110),  // 0.91
             gpu_case("custom", 8192, 100)};                                  // no cublas case
  const auto v = validate_report(r, parse_targets(json::parse(
      R"({"workloads": {"mlp": {"variant_ratio": {"min": 0.8, "variant": "custom", "of": "cublas",
                                                  "params": {"batch": {"min": 4096}}}}}})")));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].outcome, "violation");
  EXPECT_NE(v[0].message.find("0.71 ["), std::string::npos) << v[0].message;
  EXPECT_NE(v[0].message.find("of cublas's throughput against min 0.80"), std::string::npos) << v[0].message;
  EXPECT_EQ(v[1].outcome, "pass");
  EXPECT_EQ(v[2].outcome, "not_measured");
  EXPECT_NE(v[2].message.find("no cublas case at this point"), std::string::npos);
  EXPECT_TRUE(validation_failed(v));
  r.cases[3].status = "verify_failed";  // a failed check gives no ratio
  const auto one = validate_report(r, parse_targets(json::parse(
      R"({"workloads": {"mlp": {"variant_ratio": {"min": 0.8, "variant": "custom", "of": "cublas",
                                                  "params": {"batch": {"min": 4096, "max": 4096}}}}}})")));
  ASSERT_EQ(one.size(), 1u);  // the range's max holds too
  EXPECT_EQ(one[0].outcome, "not_measured");
}

TEST(Validate, PctOfPeakAgainstItsMin) {
  report r;
  r.cases = {gpu_case("custom", 64, 100, 90.0), gpu_case("custom", 4096, 100, 80.0), gpu_case("cublas", 64, 100)};
  const auto v =
      validate_report(r, parse_targets(json::parse(R"({"workloads": {"mlp": {"pct_of_peak": {"min": 85}}}})")));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].outcome, "pass");
  EXPECT_EQ(v[1].outcome, "violation");
  EXPECT_NE(v[1].message.find("80.0 % of the compute ceiling against min 85 %"), std::string::npos) << v[1].message;
  EXPECT_EQ(v[2].outcome, "not_measured");  // no ceiling for it
}

TEST(Validate, BadRatioAndParamRulesNameTheField) {
  const auto message = [](const std::string& rule) { return targets_error(R"({"workloads": {"mlp": )" + rule + "}}"); };
  EXPECT_EQ(message(R"({"variant_ratio": {"min": 0.8, "variant": "custom"}})"),
            "targets: workloads.mlp.variant_ratio.of: missing (the GPU variant to set `variant` against)");
  EXPECT_EQ(message(R"({"variant_ratio": {"min": 0.8, "of": "cublas"}})"),
            "targets: workloads.mlp.variant_ratio.variant: missing (the GPU variant to set against `of`)");
  EXPECT_EQ(message(R"({"variant_ratio": {"min": 0.8, "variant": "custom", "of": "custom"}})"),
            "targets: workloads.mlp.variant_ratio.of: the same variant as `variant`");
  EXPECT_EQ(message(R"({"variant_ratio": {"min": 0.8, "variant": "custom", "of": "cublass"}})"),
            "targets: workloads.mlp.variant_ratio.of: unknown variant of mlp (known: eigen, custom, cublas)");
  EXPECT_EQ(message(R"({"p99_ns": {"max": 1, "of": "cublas"}})").find("targets: workloads.mlp.p99_ns.of: unknown key"),
            0u);
  EXPECT_EQ(message(R"({"speedup": {"min": 1, "params": {"layers": {"min": 1}}}})"),
            "targets: workloads.mlp.speedup.params.layers: not an integer parameter of mlp (those are: batch)");
  EXPECT_EQ(message(R"({"speedup": {"min": 1, "params": {"batch": {"min": 8, "max": 4}}}})"),
            "targets: workloads.mlp.speedup.params.batch: min is above max");
  EXPECT_EQ(message(R"({"speedup": {"min": 1, "params": {"batch": {"least": 8}}}})"),
            "targets: workloads.mlp.speedup.params.batch.least: unknown key (expected min or max)");
  EXPECT_EQ(message(R"({"speedup": {"min": 1, "params": {"batch": {"min": "8"}}}})"),
            "targets: workloads.mlp.speedup.params.batch.min: expected a number");
  EXPECT_EQ(message(R"({"pct_of_peak": {"min": 85, "params": {"batch": {"min": 4096}}}})"), "no error");
}

TEST(Validate, OutputsListWorstFirstAndJsonParses) {
  const auto v = run(R"({"workloads": {"mlp": {"speedup": {"min": 4.22, "severity": "warning"},
                                               "device_memory_bytes": {"max": 1, "severity": "critical"}}}})");
  std::ostringstream console, md, js;
  write_validation(v, "console", console);
  write_validation(v, "md", md);
  write_validation(v, "json", js);
  EXPECT_EQ(console.str().find("validate FAILED"), 0u);
  EXPECT_LT(console.str().find("critical"), console.str().find("warning  speedup"));
  EXPECT_NE(md.str().find("| violation | critical | device_memory_bytes |"), std::string::npos);
  const json j = json::parse(js.str());
  EXPECT_FALSE(j["passed"].get<bool>());
  EXPECT_EQ(j["checks"].size(), v.size());
}
