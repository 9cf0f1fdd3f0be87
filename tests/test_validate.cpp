// `validate`: target parsing with field-naming errors, each metric, severities and the exit decision.
#include <gtest/gtest.h>

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
  const auto message = [](const std::string& text) {
    try {
      parse_targets(json::parse(text));
    } catch (const input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
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
