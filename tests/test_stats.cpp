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
