// The stopping rule: how many samples a case takes before its median is trusted.
#pragma once
#include <functional>
#include <vector>

namespace accel {

struct stopping_rule {
  int min_samples = 10;    // --min-samples
  double min_time_s = 0.5; // --min-time: summed sample time before stopping
  double max_noise = 0.01; // --max-noise: relative half-width of the median's 95 % CI
  double max_time_s = 10;  // --max-time: wall-clock budget of one case; then "noisy"
  // --rounds: a CPU case samples in this many rounds, its inputs re-allocated
  // between them (README "Rounds"); each round gets its share of the budget.
  int rounds = 5;
  // --cache cold: each sample is one call, and the timed_batch evicts the
  // caches before it, outside the timing (README "Cold caches"). --min-time
  // then counts the sampling's wall time, evictions included: with a cold
  // call of microseconds behind an eviction of milliseconds, timed time alone
  // would need thousands of evictions to reach it.
  bool cold = false;
};

// One round's share of `rule`: min_time and max_time divided by the rounds,
// min_samples too (at least 3 per round), max_noise times sqrt(rounds) (the
// rounds' samples together meet --max-noise as far as the noise within rounds
// goes; the spread between rounds is the two-stage CI's to show).
stopping_rule round_share(const stopping_rule& rule);

// One sample times `iterations` back-to-back calls and returns their total in ns.
using timed_batch = std::function<double(int iterations)>;

struct sampling_result {
  std::vector<double> samples_ns;  // per-call time of each sample (total / iterations)
  int iterations_per_sample = 1;
  bool converged = false;          // false: max_time reached first ("noisy")
  double relative_ci_half_width = 0;
};

// Shortest sample worth timing: a batch of calls is grown until one sample
// lasts this long, so that timer resolution and per-sample overhead stay
// below 0.1 % (CUDA events resolve ~0.5 us, steady_clock ~20-50 ns).
inline constexpr double kMinSampleNs = 1e6;

// Most samples one sampling takes in pursuit of --max-noise: past it a case
// that has met --min-samples and --min-time stops, `noisy` unless its CI
// holds. Warm samples of >= 1 ms rarely get near it within --max-time; cold
// GPU samples (one call of microseconds behind an L2 eviction) could reach
// ~200,000 in 10 s (estimated at ~45 us a sample, not measured), and the
// CI only narrows as 1/sqrt(n) by then.
inline constexpr size_t kMaxSamples = 10'000;

// Warms up, picks iterations per sample (or takes `iterations` when > 0, so
// that later rounds of a case time the same batches; always 1 when cold:
// then the warm-up is calls until kMinSampleNs of them), then samples until
//   n >= min_samples  and  sum(samples) >= min_time  and  CI half-width <= max_noise,
// or until max_time of wall-clock time has passed, or the first two hold at
// kMaxSamples samples (then converged = false unless the CI holds).
// On SIGINT/SIGTERM (common/interrupt.hpp) it returns at once, converged = false.
sampling_result sample_until_stable(const stopping_rule& rule, const timed_batch& run, int iterations = 0);

}  // namespace accel
