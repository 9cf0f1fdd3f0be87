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

// Where each round starts in the samples, and where the last ends.
static std::vector<size_t> round_starts(const sample_set& data) {
  std::vector<size_t> start{0};
  for (size_t k : data.round_sizes) {
    if (k == 0) throw std::invalid_argument("a round without samples");
    start.push_back(start.back() + k);
  }
  if (data.round_sizes.empty()) start.push_back(data.ns.size());
  if (start.back() != data.ns.size()) throw std::invalid_argument("round sizes do not add up to the samples");
  return start;
}

static std::vector<double> bootstrap_medians(const sample_set& data, int resamples, rng& r) {
  const std::vector<size_t> start = round_starts(data);
  const size_t rounds = start.size() - 1;
  std::vector<double> medians(static_cast<size_t>(resamples));
  std::vector<double> scratch;
  scratch.reserve(data.ns.size());
  for (auto& m : medians) {
    scratch.clear();
    if (rounds == 1) {
      for (size_t i = 0; i < data.ns.size(); ++i) scratch.push_back(data.ns[r.below(data.ns.size())]);
    } else {
      for (size_t k = 0; k < rounds; ++k) {
        const size_t j = r.below(rounds), first = start[j], n = start[j + 1] - first;
        for (size_t i = 0; i < n; ++i) scratch.push_back(data.ns[first + r.below(n)]);
      }
    }
    m = median_in_place(scratch);
  }
  return medians;
}

interval bootstrap_median_ci(sample_set data, double level, int resamples, uint64_t seed) {
  if (data.ns.empty()) throw std::invalid_argument("confidence interval of an empty sample");
  rng r(seed);
  auto medians = bootstrap_medians(data, resamples, r);
  std::sort(medians.begin(), medians.end());
  const double tail = (1.0 - level) / 2.0;
  return {quantile_sorted(medians, tail), quantile_sorted(medians, 1.0 - tail)};
}

std::vector<double> round_medians(sample_set data) {
  const std::vector<size_t> start = round_starts(data);
  std::vector<double> out;
  for (size_t k = 0; k + 1 < start.size(); ++k)
    out.push_back(median(data.ns.subspan(start[k], start[k + 1] - start[k])));
  return out;
}

summary summarize(sample_set samples) {
  if (samples.ns.empty()) throw std::invalid_argument("summary of an empty sample");
  std::vector<double> s(samples.ns.begin(), samples.ns.end());
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
  // One round: resampling the sorted copy (what the first reports did) gives the same interval.
  out.median_ci95 = bootstrap_median_ci(samples.rounds() == 1 ? sample_set(s) : samples);
  const std::vector<double> rm = round_medians(samples);
  out.rounds = rm.size();
  const auto [lo, hi] = std::minmax_element(rm.begin(), rm.end());
  out.round_spread = out.median > 0 ? (*hi - *lo) / out.median : 0.0;
  // Fences per round: a round that sits at its own level is not an outlier.
  const std::vector<size_t> start = round_starts(samples);
  for (size_t k = 0; k + 1 < start.size(); ++k) {
    const std::span<const double> round = samples.ns.subspan(start[k], start[k + 1] - start[k]);
    std::vector<double> sorted(round.begin(), round.end());
    std::sort(sorted.begin(), sorted.end());
    const auto [mild, severe] = tukey_outliers(sorted);
    out.outliers_mild += mild;
    out.outliers_severe += severe;
  }
  return out;
}

interval tukey_fences(std::span<const double> sorted, double k) {
  const double q1 = quantile_sorted(sorted, 0.25), q3 = quantile_sorted(sorted, 0.75);
  return {q1 - k * (q3 - q1), q3 + k * (q3 - q1)};
}

std::pair<size_t, size_t> tukey_outliers(std::span<const double> sorted) {
  if (sorted.size() < 4) return {0, 0};  // quartiles of fewer points mean nothing
  const interval inner = tukey_fences(sorted, 1.5), outer = tukey_fences(sorted, 3.0);
  size_t mild = 0, severe = 0;
  for (double x : sorted) {
    if (x < outer.lo || x > outer.hi) ++severe;
    else if (x < inner.lo || x > inner.hi) ++mild;
  }
  return {mild, severe};
}

ratio_estimate bootstrap_median_ratio(sample_set num, sample_set den, int resamples, uint64_t seed) {
  if (num.ns.empty() || den.ns.empty()) throw std::invalid_argument("ratio of an empty sample");
  ratio_estimate out;
  out.value = median(num.ns) / median(den.ns);
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
