#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "rng.hpp"

namespace accel {

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("quantile of an empty sample");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t i = static_cast<size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(i);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

// Median of a scratch buffer, reordering it (nth_element is O(n)).
static double median_in_place(std::vector<double>& v) {
  const size_t n = v.size();
  const size_t mid = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

double median(std::span<const double> data) {
  if (data.empty()) throw std::invalid_argument("median of an empty sample");
  std::vector<double> v(data.begin(), data.end());
  return median_in_place(v);
}

static std::vector<double> bootstrap_medians(std::span<const double> data, int resamples,
                                             rng& r) {
  std::vector<double> medians(static_cast<size_t>(resamples));
  std::vector<double> scratch(data.size());
  for (auto& m : medians) {
    for (auto& s : scratch) s = data[r.below(data.size())];
    m = median_in_place(scratch);
  }
  return medians;
}

interval bootstrap_median_ci(std::span<const double> data, double level, int resamples,
                             uint64_t seed) {
  if (data.empty()) throw std::invalid_argument("confidence interval of an empty sample");
  rng r(seed);
  auto medians = bootstrap_medians(data, resamples, r);
  std::sort(medians.begin(), medians.end());
  const double tail = (1.0 - level) / 2.0;
  return {quantile_sorted(medians, tail), quantile_sorted(medians, 1.0 - tail)};
}

summary summarize(std::span<const double> samples) {
  if (samples.empty()) throw std::invalid_argument("summary of an empty sample");
  std::vector<double> s(samples.begin(), samples.end());
  std::sort(s.begin(), s.end());
  summary out;
  out.n = s.size();
  out.min = s.front();
  out.max = s.back();
  out.median = quantile_sorted(s, 0.5);
  out.p90 = quantile_sorted(s, 0.90);
  out.p95 = quantile_sorted(s, 0.95);
  out.p99 = quantile_sorted(s, 0.99);
  out.mean = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
  double ss = 0;
  for (double x : s) ss += (x - out.mean) * (x - out.mean);
  out.stdev = s.size() > 1 ? std::sqrt(ss / static_cast<double>(s.size() - 1)) : 0.0;
  out.median_ci95 = bootstrap_median_ci(s);
  std::tie(out.outliers_mild, out.outliers_severe) = tukey_outliers(s);
  return out;
}

std::pair<size_t, size_t> tukey_outliers(std::span<const double> sorted) {
  if (sorted.size() < 4) return {0, 0};  // quartiles of fewer points mean nothing
  const double q1 = quantile_sorted(sorted, 0.25), q3 = quantile_sorted(sorted, 0.75);
  const double iqr = q3 - q1;
  size_t mild = 0, severe = 0;
  for (double x : sorted) {
    const double beyond = x < q1 ? q1 - x : x > q3 ? x - q3 : 0.0;
    if (beyond > 3.0 * iqr) ++severe;
    else if (beyond > 1.5 * iqr) ++mild;
  }
  return {mild, severe};
}

ratio_estimate bootstrap_median_ratio(std::span<const double> num, std::span<const double> den,
                                      int resamples, uint64_t seed) {
  if (num.empty() || den.empty()) throw std::invalid_argument("ratio of an empty sample");
  ratio_estimate out;
  out.value = median(num) / median(den);
  rng r(seed);
  const auto mn = bootstrap_medians(num, resamples, r);
  const auto md = bootstrap_medians(den, resamples, r);
  std::vector<double> ratios(mn.size());
  for (size_t i = 0; i < ratios.size(); ++i) ratios[i] = mn[i] / md[i];
  std::sort(ratios.begin(), ratios.end());
  out.ci95 = {quantile_sorted(ratios, 0.025), quantile_sorted(ratios, 0.975)};
  return out;
}

}  // namespace accel
