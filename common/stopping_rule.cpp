#include "stopping_rule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "interrupt.hpp"
#include "stats.hpp"
#include "timer.hpp"

namespace accel {

namespace {
double seconds_since(host_clock::time_point t0) { return ns_since(t0) * 1e-9; }

double relative_half_width(const std::vector<double>& samples) {
  const double m = median(samples);
  if (m <= 0) return 0;
  const interval ci = bootstrap_median_ci(samples);
  return 0.5 * (ci.hi - ci.lo) / m;
}
}  // namespace

stopping_rule round_share(const stopping_rule& rule) {
  stopping_rule r = rule;
  const int n = std::max(rule.rounds, 1);
  r.rounds = 1;
  r.min_samples = std::max((rule.min_samples + n - 1) / n, std::min(rule.min_samples, 3));
  r.min_time_s = rule.min_time_s / n;
  r.max_time_s = rule.max_time_s / n;
  // The median over n rounds is known about sqrt(n) times better than one
  // round's, as far as the noise within rounds goes; asking each round for the
  // whole --max-noise would cost about n times the samples.
  r.max_noise = std::min(rule.max_noise * std::sqrt(double(n)), 0.5);
  return r;
}

sampling_result sample_until_stable(const stopping_rule& rule, const timed_batch& run, int iterations) {
  const auto t0 = host_clock::now();
  sampling_result out;

  // Warm-up: caches, clocks, lazy initialisation. Unless given, double the
  // batch until one batch lasts kMinSampleNs; the last warm-up batch size
  // becomes the sample size. A given batch size warms up with one batch.
  if (rule.cold) {
    iterations = 1;
    double warm_ns = 0;
    for (int i = 0; i < 64 && warm_ns < kMinSampleNs && seconds_since(t0) <= rule.max_time_s / 4; ++i) {
      warm_ns += run(1);
      if (interrupted()) return out;
    }
  } else if (iterations > 0) {
    run(iterations);
    if (interrupted()) return out;
  } else {
    iterations = 1;
    for (;;) {
      const double ns = run(iterations);
      if (interrupted()) return out;
      if (ns >= kMinSampleNs || iterations >= (1 << 16) || seconds_since(t0) > rule.max_time_s / 4) break;
      const double grow = ns > 0 ? kMinSampleNs / ns : 2.0;
      iterations = std::max(iterations + 1, static_cast<int>(iterations * std::min(grow * 1.2, 16.0)));
    }
  }
  out.iterations_per_sample = iterations;

  double sampled_ns = 0;
  size_t next_check = static_cast<size_t>(std::max(rule.min_samples, 2));
  for (;;) {
    const auto sample_start = host_clock::now();
    const double ns = run(iterations);
    if (interrupted()) return out;  // abandon the case: its samples are incomplete
    out.samples_ns.push_back(ns / iterations);
    sampled_ns += rule.cold ? ns_since(sample_start) : ns;
    const size_t n = out.samples_ns.size();
    const bool enough = n >= static_cast<size_t>(rule.min_samples) && sampled_ns * 1e-9 >= rule.min_time_s;
    // The bootstrap costs O(n) per resample: check at geometrically spaced n.
    if (enough && (n >= next_check || n >= kMaxSamples)) {
      out.relative_ci_half_width = relative_half_width(out.samples_ns);
      out.converged = out.relative_ci_half_width <= rule.max_noise;
      if (out.converged || n >= kMaxSamples) return out;
      next_check = std::max(n + 1, n + n / 8);
    }
    if (seconds_since(t0) >= rule.max_time_s) {
      out.relative_ci_half_width = relative_half_width(out.samples_ns);
      out.converged = enough && out.relative_ci_half_width <= rule.max_noise;
      return out;
    }
  }
}

}  // namespace accel
