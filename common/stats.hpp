// Descriptive statistics of timing samples and bootstrap confidence intervals.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace accel {

// Fixed bootstrap seed: the same samples always give the same interval.
inline constexpr uint64_t kBootstrapSeed = 0x5EEDB007u;
inline constexpr int kBootstrapResamples = 1000;

struct interval {
  double lo = 0, hi = 0;
};

struct summary {
  size_t n = 0;
  double median = 0, mean = 0, stdev = 0, min = 0, max = 0;
  double p90 = 0, p95 = 0, p99 = 0;
  interval median_ci95;  // bootstrap 95 % CI of the median
};

// Quantile q in [0,1] of sorted data, linear interpolation between order
// statistics (Hyndman & Fan type 7, the default of R and NumPy).
double quantile_sorted(std::span<const double> sorted, double q);
double median(std::span<const double> data);

// Percentile bootstrap CI of the median (level e.g. 0.95).
interval bootstrap_median_ci(std::span<const double> data, double level = 0.95,
                             int resamples = kBootstrapResamples, uint64_t seed = kBootstrapSeed);

summary summarize(std::span<const double> samples);

// Ratio of medians num/den with a percentile bootstrap CI; both sides are
// resampled independently (they are independent measurements).
struct ratio_estimate {
  double value = 0;
  interval ci95;
};
ratio_estimate bootstrap_median_ratio(std::span<const double> num, std::span<const double> den,
                                      int resamples = 2000, uint64_t seed = kBootstrapSeed);

}  // namespace accel
