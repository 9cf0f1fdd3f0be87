// Descriptive statistics of timing samples and bootstrap confidence intervals.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace accel {

// Fixed bootstrap seed: the same samples always give the same interval.
inline constexpr uint64_t kBootstrapSeed = 0x5EEDB007u;
inline constexpr int kBootstrapResamples = 1000;

struct interval {
  double lo = 0, hi = 0;
};

// A case's samples, taken in rounds: the runner re-allocates a case's inputs
// between rounds (README "Rounds"), so the samples of one round share one
// memory layout and are not independent of each other. Round k holds the
// round_sizes[k] samples after round k-1's; no sizes = one round.
struct sample_set {
  sample_set(std::span<const double> samples, std::span<const size_t> sizes = {}) : ns(samples), round_sizes(sizes) {}
  sample_set(const std::vector<double>& samples) : ns(samples) {}
  sample_set(const std::vector<double>& samples, const std::vector<size_t>& sizes) : ns(samples), round_sizes(sizes) {}
  size_t rounds() const { return round_sizes.empty() ? 1 : round_sizes.size(); }
  std::span<const double> ns;
  std::span<const size_t> round_sizes;
};

struct summary {
  size_t n = 0;
  double median = 0, mean = 0, stdev = 0, min = 0, max = 0;
  double p90 = 0, p95 = 0, p99 = 0;
  interval median_ci95;  // bootstrap 95 % CI of the median (over rounds and samples)
  size_t rounds = 1;
  // Range of the rounds' medians over the median: how much the case's time
  // depends on where its inputs landed in memory. 0 with one round.
  double round_spread = 0;
  // Tukey fences on the quartiles: mild outliers lie beyond 1.5 IQR but within
  // 3 IQR, severe ones beyond 3 IQR. They stay in the data; only counted.
  size_t outliers_mild = 0, outliers_severe = 0;
  double outlier_share() const { return n ? double(outliers_mild + outliers_severe) / double(n) : 0.0; }
};

// Outlier shares above this earn a warning in the report.
inline constexpr double kOutlierWarnShare = 0.05;

// Quantile q in [0,1] of sorted data, linear interpolation between order
// statistics (Hyndman & Fan type 7, the default of R and NumPy).
double quantile_sorted(std::span<const double> sorted, double q);
double median(std::span<const double> data);

// Percentile bootstrap CI of the median (level e.g. 0.95). With several
// rounds it is a two-stage bootstrap: rounds are drawn with replacement, then
// samples within each drawn round, so the interval carries the variation
// between rounds that no number of samples within one round can shrink.
interval bootstrap_median_ci(sample_set data, double level = 0.95, int resamples = kBootstrapResamples,
                             uint64_t seed = kBootstrapSeed);

// Median of each round, in round order. Throws when the sizes do not add up.
std::vector<double> round_medians(sample_set data);

summary summarize(sample_set samples);

// Tukey's fences k IQR past the quartiles of sorted data: {q1 - k*IQR, q3 + k*IQR}
// (k = 1.5 the inner fences, 3 the outer).
interval tukey_fences(std::span<const double> sorted, double k);
// Counts of sorted samples outside Tukey's fences: {mild, severe}.
std::pair<size_t, size_t> tukey_outliers(std::span<const double> sorted);

// Ratio of medians num/den with a percentile bootstrap CI; both sides are
// resampled independently (they are independent measurements), each in two
// stages when it has rounds.
struct ratio_estimate {
  double value = 0;
  interval ci95;
};
ratio_estimate bootstrap_median_ratio(sample_set num, sample_set den, int resamples = 2000,
                                      uint64_t seed = kBootstrapSeed);

}  // namespace accel
