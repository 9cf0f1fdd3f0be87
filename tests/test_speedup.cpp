// Unit tests for bench/speedup.cpp: the verdict rule and the speedup estimate.
#include <gtest/gtest.h>

#include "rng.hpp"
#include "speedup.hpp"

using namespace accel;

TEST(Verdict, FollowsTheCiAgainstTheTarget) {
  EXPECT_EQ(verdict_for({4.3, 5.0}, 4.22), "pass");
  EXPECT_EQ(verdict_for({4.22, 5.0}, 4.22), "pass");
  EXPECT_EQ(verdict_for({3.0, 4.1}, 4.22), "fail");
  EXPECT_EQ(verdict_for({4.0, 4.5}, 4.22), "inconclusive");
}

static case_result fake_case(const char* timing, double center, uint64_t seed) {
  case_result c;
  c.workload = "mlp";
  c.params = {{"batch", 4}};
  c.variant = timing == std::string("cpu") ? "eigen" : "custom";
  c.timing = timing;
  rng r(seed);
  for (int i = 0; i < 200; ++i) c.samples_ns.push_back(center * (1 + 0.02 * r.normal()));
  return c;
}

TEST(Speedup, RatioOfMediansWithVerdict) {
  const auto cpu = fake_case("cpu", 1000, 1), gpu = fake_case("kernel", 100, 2);
  const auto s = measure_speedup(cpu, gpu, 4.22);
  EXPECT_NEAR(s.value, 10, 0.3);
  EXPECT_EQ(s.verdict, "pass");
  EXPECT_EQ(s.timing, "kernel");
  EXPECT_EQ(measure_speedup(cpu, gpu, 50).verdict, "fail");
}

TEST(Speedup, NotMeasuredCarriesTheReason) {
  const auto s = not_measured("mlp", {{"batch", 1}}, "cublas", "kernel", 4.22, "no GPU: x");
  EXPECT_EQ(s.verdict, "not_measured");
  EXPECT_EQ(s.reason, "no GPU: x");
}
