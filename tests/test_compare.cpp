// bench/compare.cpp: the U test against known answers, and the classes on
// synthetic sample sets.
#include <gtest/gtest.h>

#include "compare.hpp"
#include "rng.hpp"

using namespace accel;

namespace {

std::vector<double> noisy(size_t n, double center, uint64_t seed) {
  rng r(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = center * (1 + 0.01 * r.normal());
  return v;
}

report with_case(const std::string& variant, std::vector<double> samples) {
  report r;
  case_result c;
  c.workload = "reduce";
  c.params = {{"n", 1024}};
  c.backend = "gpu";
  c.variant = variant;
  c.timing = "kernel";
  c.samples_ns = std::move(samples);
  c.stats = summarize(c.samples_ns);
  r.cases.push_back(c);
  return r;
}

}  // namespace

TEST(MannWhitney, KnownAnswers) {
  // By hand from the normal approximation with continuity correction
  // (what scipy's mannwhitneyu(method="asymptotic") computes): n1 = n2 = 5,
  // sd(U) = sqrt(25 * 11 / 12) = 4.7871.
  // U = 0:  z = (12.5 - 0.5) / 4.7871 = 2.5067, p = erfc(z / sqrt 2) = 0.012186
  const std::vector<double> a{1, 2, 3, 4, 5}, b{6, 7, 8, 9, 10};
  EXPECT_NEAR(mann_whitney_p(a, b), 0.012186, 2e-6);
  EXPECT_NEAR(mann_whitney_p(b, a), 0.012186, 2e-6);  // two-sided: symmetric
  // U = 10: z = (2.5 - 0.5) / 4.7871 = 0.41779, p = 0.676103
  const std::vector<double> c{1, 3, 5, 7, 9}, d{2, 4, 6, 8, 10};
  EXPECT_NEAR(mann_whitney_p(c, d), 0.676103, 2e-6);
  const std::vector<double> same{2, 2, 2}, same2{2, 2, 2};
  EXPECT_EQ(mann_whitney_p(same, same2), 1.0);  // all tied
}

TEST(Compare, IdenticalDistributionsAreSame) {
  const auto base = with_case("custom", noisy(200, 1000, 1)), cand = with_case("custom", noisy(200, 1000, 2));
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].cls, "same") << c.changes[0].ratio_ci95.lo << " " << c.changes[0].ratio_ci95.hi;
  EXPECT_FALSE(c.changes[0].fail);
}

TEST(Compare, TwentyPercentShiftIsSlowerAndFails) {
  const auto base = with_case("custom", noisy(50, 1000, 3)), cand = with_case("custom", noisy(50, 1200, 4));
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].cls, "slower");
  EXPECT_NEAR(c.changes[0].ratio, 1.2, 0.02);
  EXPECT_TRUE(c.changes[0].fail);
  const auto back = compare_reports(cand, base, {});
  EXPECT_EQ(back.changes[0].cls, "faster");
  EXPECT_FALSE(back.changes[0].fail);
}

TEST(Compare, SmallSamplesAreAmbiguousNotSignificant) {
  const auto base = with_case("custom", {1000, 1300}), cand = with_case("custom", {1100, 1400});
  EXPECT_EQ(compare_reports(base, cand, {}).changes[0].cls, "ambiguous");
}

TEST(Compare, UnmatchedCasesAreListedOnBothSides) {
  const auto base = with_case("custom", noisy(20, 1000, 5)), cand = with_case("cub", noisy(20, 1000, 6));
  const auto c = compare_reports(base, cand, {});
  EXPECT_TRUE(c.changes.empty());
  ASSERT_EQ(c.only_in_base.size(), 1u);
  ASSERT_EQ(c.only_in_candidate.size(), 1u);
  EXPECT_NE(c.only_in_base[0].find("custom"), std::string::npos);
  const json j = comparison_json(c, {});
  EXPECT_EQ(j["only_in_candidate"].size(), 1u);
}
