// Unit tests for common/stats.cpp: descriptive statistics and bootstrap CIs.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "rng.hpp"
#include "stats.hpp"

using namespace accel;

TEST(Stats, QuantilesOfFixedDataMatchType7) {
  const std::vector<double> d{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_DOUBLE_EQ(quantile_sorted(d, 0.5), 5.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(d, 0.9), 9.1);   // NumPy: percentile(1..10, 90) = 9.1
  EXPECT_DOUBLE_EQ(quantile_sorted(d, 0.95), 9.55);
  EXPECT_DOUBLE_EQ(quantile_sorted(d, 0.0), 1);
  EXPECT_DOUBLE_EQ(quantile_sorted(d, 1.0), 10);
}

TEST(Stats, MedianOddEvenAndUnsorted) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{5, 1, 3}), 3);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{7}), 7);
}

TEST(Stats, SummaryOfKnownData) {
  const std::vector<double> d{2, 4, 4, 4, 5, 5, 7, 9};
  const summary s = summarize(d);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stdev, 2.138089935, 1e-9);  // sample stdev (n - 1)
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_LE(s.median_ci95.lo, s.median);
  EXPECT_GE(s.median_ci95.hi, s.median);
}

TEST(Stats, TukeyFencesCountMildAndSevereOutliers) {
  // Quartiles 10 and 11 (IQR 1): 7.5 and 12.8 lie between 1.5 and 3 IQR out, 40 beyond 3.
  const std::vector<double> d{11, 10, 40, 10, 11, 7.5, 10, 11, 12.8, 10, 11, 10, 11};
  const summary s = summarize(d);
  EXPECT_EQ(s.outliers_mild, 2u);
  EXPECT_EQ(s.outliers_severe, 1u);
  EXPECT_NEAR(s.outlier_share(), 3.0 / 13.0, 1e-12);
  const std::vector<double> tight{5, 5, 5, 6, 6, 6};
  EXPECT_EQ(summarize(tight).outliers_mild + summarize(tight).outliers_severe, 0u);
}

TEST(Stats, EmptySampleIsRefused) {
  EXPECT_THROW(summarize(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(median(std::vector<double>{}), std::invalid_argument);
}

TEST(Stats, BootstrapCiIsDeterministic) {
  rng r(7);
  std::vector<double> d(200);
  for (auto& x : d) x = 100 + r.normal();
  const interval a = bootstrap_median_ci(d), b = bootstrap_median_ci(d);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
}

// The 95 % CI should contain the true median in about 95 % of repeated
// experiments; we demand >= 90 % over 200 draws (binomial sd ~1.5 %).
TEST(Stats, BootstrapCiCoversTrueMedian) {
  rng r(2026);
  const double true_median = 50.0;  // exponential with rate ln2/50 has median 50
  int covered = 0;
  const int trials = 200;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> d(101);
    for (auto& x : d) x = -std::log(1.0 - r.uniform()) * true_median / std::log(2.0);
    const interval ci = bootstrap_median_ci(d, 0.95, 500, 1000 + t);
    covered += ci.lo <= true_median && true_median <= ci.hi;
  }
  EXPECT_GE(covered, trials * 90 / 100) << covered << " of " << trials;
}

TEST(Stats, RatioOfMediansAndItsCi) {
  rng r(3);
  std::vector<double> cpu(300), gpu(300);
  for (auto& x : cpu) x = 1000 * (1 + 0.01 * r.normal());
  for (auto& x : gpu) x = 100 * (1 + 0.01 * r.normal());
  const ratio_estimate e = bootstrap_median_ratio(cpu, gpu);
  EXPECT_NEAR(e.value, 10.0, 0.1);
  EXPECT_LT(e.ci95.lo, e.value);
  EXPECT_GT(e.ci95.hi, e.value);
  EXPECT_GT(e.ci95.lo, 9.8);
  EXPECT_LT(e.ci95.hi, 10.2);
}

// Over a one-sample denominator the ratio's resampled medians are the
// numerator's own: its CI is the numerator's median CI at the same seed and
// resample count (the 2.5 % and 97.5 % quantiles, nothing narrower).
TEST(Stats, RatioOverAConstantIsTheNumeratorsMedianCi) {
  rng r(11);
  std::vector<double> num(101);
  for (auto& x : num) x = 1000 * (1 + 0.05 * r.normal());
  const std::vector<double> one{1.0};
  const ratio_estimate e = bootstrap_median_ratio(num, one, 2000, 42);
  const interval ci = bootstrap_median_ci(num, 0.95, 2000, 42);
  EXPECT_DOUBLE_EQ(e.value, median(num));
  EXPECT_NEAR(e.ci95.lo, ci.lo, 1e-9 * ci.lo);
  EXPECT_NEAR(e.ci95.hi, ci.hi, 1e-9 * ci.hi);
}

// Rounds (the inputs re-allocated between them) that each sit at their own
// level: the spread between rounds is what the CI must carry.
namespace {
std::vector<double> rounds_at(const std::vector<double>& levels, size_t per_round, rng& r) {
  std::vector<double> d;
  for (double level : levels)
    for (size_t i = 0; i < per_round; ++i) d.push_back(level * (1 + 0.002 * r.normal()));
  return d;
}
}  // namespace

TEST(Stats, OneRoundIsTheFlatBootstrap) {
  rng r(11);
  std::vector<double> d(150);
  for (auto& x : d) x = 10 + r.normal();
  const std::vector<size_t> one{150};
  const interval flat = bootstrap_median_ci(d), rounded = bootstrap_median_ci({d, one});
  EXPECT_EQ(flat.lo, rounded.lo);
  EXPECT_EQ(flat.hi, rounded.hi);
}

TEST(Stats, RoundMediansAndSpread) {
  const std::vector<double> d{1, 1.1, 0.9, 2, 2.1, 1.9};
  const std::vector<size_t> sizes{3, 3};
  EXPECT_EQ(round_medians({d, sizes}), (std::vector<double>{1, 2}));
  const summary s = summarize({d, sizes});
  EXPECT_EQ(s.rounds, 2u);
  EXPECT_DOUBLE_EQ(s.median, 1.5);  // of all samples
  EXPECT_NEAR(s.round_spread, (2 - 1) / 1.5, 1e-12);
  EXPECT_EQ(summarize(d).rounds, 1u);
  EXPECT_EQ(summarize(d).round_spread, 0);
}

TEST(Stats, RoundSizesMustAddUp) {
  const std::vector<double> d{1, 2, 3};
  const std::vector<size_t> short_by_one{1, 1}, empty_round{3, 0};
  EXPECT_THROW(bootstrap_median_ci({d, short_by_one}), std::invalid_argument);
  EXPECT_THROW(summarize({d, empty_round}), std::invalid_argument);
}

// Every round at a level of its own (5 % apart, as the VM's layouts put
// them), tight within: the flat bootstrap believes the samples and misses the
// true median most of the time; the two-stage one carries the rounds' spread.
TEST(Stats, TwoStageCiCoversTheMedianAcrossRounds) {
  rng r(99);
  const double truth = 1000;  // the rounds' levels are drawn symmetric around it
  const int trials = 200;
  int covered_two_stage = 0, covered_flat = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> levels(8);
    for (auto& l : levels) l = truth * (1 + 0.05 * r.normal());
    const std::vector<double> d = rounds_at(levels, 40, r);
    const std::vector<size_t> sizes(levels.size(), 40);
    const interval two = bootstrap_median_ci({d, sizes}, 0.95, 500, 500 + t);
    const interval flat = bootstrap_median_ci(d, 0.95, 500, 500 + t);
    covered_two_stage += two.lo <= truth && truth <= two.hi;
    covered_flat += flat.lo <= truth && truth <= flat.hi;
  }
  EXPECT_GE(covered_two_stage, trials * 85 / 100) << covered_two_stage << " of " << trials;
  EXPECT_LE(covered_flat, trials / 2) << covered_flat << " of " << trials;
}

TEST(Stats, RatioCiWidensWithTheRounds) {
  rng r(5);
  const std::vector<double> levels{1000, 1060, 950, 1020, 980};
  const std::vector<double> num = rounds_at(levels, 30, r), den = rounds_at({100, 100, 100, 100, 100}, 30, r);
  const std::vector<size_t> sizes(5, 30);
  const ratio_estimate flat = bootstrap_median_ratio(num, den), two = bootstrap_median_ratio({num, sizes}, {den, sizes});
  EXPECT_EQ(flat.value, two.value);
  EXPECT_GT(two.ci95.hi - two.ci95.lo, 3 * (flat.ci95.hi - flat.ci95.lo));
  EXPECT_LT(two.ci95.lo, 9.8);  // the rounds span 9.5 .. 10.6
  EXPECT_GT(two.ci95.hi, 10.2);
}
