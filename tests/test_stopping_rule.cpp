// Unit tests for common/stopping_rule.cpp with synthetic timed batches.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "rng.hpp"
#include "stopping_rule.hpp"

using namespace accel;

// A fake call whose reported time is steady (no real work is done); sleeping
// a little keeps the wall clock moving like real work would.
TEST(StoppingRule, StableTimingsConvergeAtMinSamples) {
  stopping_rule rule{.min_samples = 10, .min_time_s = 0.0, .max_noise = 0.01, .max_time_s = 5};
  const auto r = sample_until_stable(rule, [](int it) { return 2e6 * it; });
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.samples_ns.size(), 10u);
  EXPECT_EQ(r.iterations_per_sample, 1);  // 2 ms per call is above kMinSampleNs
  EXPECT_DOUBLE_EQ(r.samples_ns[0], 2e6);
}

TEST(StoppingRule, ShortCallsAreBatched) {
  stopping_rule rule{.min_samples = 5, .min_time_s = 0.0, .max_noise = 0.5, .max_time_s = 5};
  const auto r = sample_until_stable(rule, [](int it) { return 1e3 * it; });  // 1 us per call
  EXPECT_GE(r.iterations_per_sample * 1e3, kMinSampleNs);
  EXPECT_DOUBLE_EQ(r.samples_ns[0], 1e3);  // per-call time, not per-batch
}

TEST(StoppingRule, MinTimeIsHonoured) {
  stopping_rule rule{.min_samples = 2, .min_time_s = 0.05, .max_noise = 0.5, .max_time_s = 5};
  const auto r = sample_until_stable(rule, [](int it) { return 1e6 * it; });
  double total = 0;
  for (double s : r.samples_ns) total += s * r.iterations_per_sample;
  EXPECT_GE(total, 0.05e9);
  EXPECT_TRUE(r.converged);
}

TEST(StoppingRule, NoisyCaseStopsAtMaxTimeUnconverged) {
  rng g(1);
  stopping_rule rule{.min_samples = 10, .min_time_s = 0.0, .max_noise = 0.001, .max_time_s = 0.3};
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = sample_until_stable(rule, [&](int it) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return it * 2e6 * (0.5 + g.uniform());  // +-50 % noise: 0.1 % is out of reach
  });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(r.converged);
  EXPECT_GT(r.relative_ci_half_width, 0.001);
  EXPECT_LT(s, 2.0);
}

// A case that never meets --max-noise stops at kMaxSamples once --min-samples
// and --min-time hold, rather than sampling on until --max-time; cold calls
// make it reachable (one sample each), so the test runs cold.
TEST(StoppingRule, NoisyCaseStopsAtTheSampleCap) {
  rng g(2);
  stopping_rule rule{.min_samples = 10, .min_time_s = 0.0, .max_noise = 1e-4, .max_time_s = 60};
  rule.cold = true;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = sample_until_stable(rule, [&](int it) { return it * 2e6 * (0.5 + g.uniform()); });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.samples_ns.size(), kMaxSamples);
  EXPECT_GT(r.relative_ci_half_width, 1e-4);
  EXPECT_LT(s, 30.0);
}

// The cap never cuts --min-samples short: a user asking for more gets them.
TEST(StoppingRule, MinSamplesAboveTheCapAreTaken) {
  stopping_rule rule{.min_samples = int(kMaxSamples) + 5, .min_time_s = 0.0, .max_noise = 0.5, .max_time_s = 60};
  rule.cold = true;
  const auto r = sample_until_stable(rule, [](int it) { return 1e3 * it; });
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.samples_ns.size(), kMaxSamples + 5);
}

// Converged means the CI half-width reached --max-noise, not roughly: with
// +-50 % uniform noise (this seed) 5 % took 229 samples, 10 % took 72.
TEST(StoppingRule, ConvergesOnlyOnceTheNoiseLimitHolds) {
  rng g(5);
  stopping_rule rule{.min_samples = 10, .min_time_s = 0.0, .max_noise = 0.05, .max_time_s = 20};
  const auto r = sample_until_stable(rule, [&](int it) { return it * 2e6 * (0.5 + g.uniform()); });
  ASSERT_TRUE(r.converged);
  EXPECT_LE(r.relative_ci_half_width, 0.05);
  EXPECT_GT(r.samples_ns.size(), 100u);
}

// --cache cold: one call per sample, never batched (each call follows its own
// eviction), and --min-time counts wall time, the evictions included. Here a
// 1 us call behind a 1 ms "eviction": timed time alone would need 50,000
// samples to reach 0.05 s and run into --max-time unconverged.
TEST(StoppingRule, ColdSamplesAreSingleCallsAndMinTimeCountsWallTime) {
  stopping_rule rule{.min_samples = 3, .min_time_s = 0.05, .max_noise = 0.5, .max_time_s = 5};
  rule.cold = true;
  int calls = 0, batched = 0;
  const auto r = sample_until_stable(rule, [&](int it) {
    ++calls;
    batched += it != 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 1e3 * it;
  });
  EXPECT_EQ(batched, 0);
  EXPECT_EQ(r.iterations_per_sample, 1);
  EXPECT_DOUBLE_EQ(r.samples_ns[0], 1e3);
  EXPECT_TRUE(r.converged);
  EXPECT_GE(r.samples_ns.size(), 20u);  // 0.05 s of 1-ms samples, less the bootstrap's share
  EXPECT_LE(r.samples_ns.size(), 60u);
  EXPECT_LE(calls - int(r.samples_ns.size()), 64);  // warm-up: at most 64 calls
}

// Each round gets its share of the budget; the noise limit widens by sqrt(rounds)
// because the rounds' samples together are what the median rests on.
TEST(StoppingRule, RoundShareSplitsTheBudget) {
  stopping_rule r;
  r.min_samples = 10;
  r.min_time_s = 0.5;
  r.max_time_s = 10;
  r.max_noise = 0.01;
  r.rounds = 4;
  const stopping_rule s = round_share(r);
  EXPECT_EQ(s.rounds, 1);
  EXPECT_EQ(s.min_samples, 3);  // ceil(10 / 4)
  EXPECT_DOUBLE_EQ(s.min_time_s, 0.125);
  EXPECT_DOUBLE_EQ(s.max_time_s, 2.5);
  EXPECT_DOUBLE_EQ(s.max_noise, 0.02);
  r.rounds = 1;
  const stopping_rule one = round_share(r);
  EXPECT_EQ(one.min_samples, 10);
  EXPECT_DOUBLE_EQ(one.max_noise, 0.01);
  EXPECT_DOUBLE_EQ(one.min_time_s, 0.5);
  r.cold = true;
  EXPECT_TRUE(round_share(r).cold);
  r.min_samples = 2;  // fewer than 3 asked: never more per round than asked in all
  r.rounds = 5;
  EXPECT_EQ(round_share(r).min_samples, 2);
}
