// Unit tests for cpu/mlp_cpu.cpp: the Eigen fast path against the naive
// double-precision reference, on fresh random shapes and inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu_threads.hpp"
#include "mlp_cpu.hpp"
#include "rng.hpp"
#include "system_info.hpp"

using namespace accel;

namespace {

struct shape {
  std::vector<int> widths;
  int batch;
};

// Shapes cover size 1, sizes that are not multiples of SIMD or block widths:
// row tails of 1-7 rows past the 8-row blocks, several 64-row chunks (130),
// and columns past the last full block of 32 (or 16), which Eigen's product
// computes, down to layers with no full block at all.
const shape kShapes[] = {
    {{1, 1}, 1},           {{7, 3}, 1},         {{33, 65, 17}, 5},   {{64, 128, 10}, 63},
    {{100, 257, 31, 9}, 64}, {{512, 300, 64}, 130}, {{20, 1000, 2}, 17},
};

void expect_matches_reference(const shape& s, uint64_t seed, int threads) {
  set_cpu_threads(threads);
  const mlp_model m = make_mlp(s.widths, seed);
  const std::vector<float> x = make_mlp_input(m, s.batch, seed + 1);
  std::vector<float> fast(size_t(s.batch) * m.output_width(), -1.0f);  // poisoned
  std::vector<double> ref(fast.size());
  mlp_cpu_workspace ws(m);
  mlp_forward_cpu(m, x.data(), s.batch, fast.data(), ws);
  mlp_forward_reference(m, x.data(), s.batch, ref.data());
  double max_rel = 0;
  for (size_t i = 0; i < fast.size(); ++i) {
    ASSERT_TRUE(std::isfinite(fast[i])) << "index " << i;
    const double err = std::fabs(fast[i] - ref[i]);
    ASSERT_LE(err, 1e-6 + 1e-4 * std::fabs(ref[i])) << "index " << i << " got " << fast[i] << " expected " << ref[i];
    if (ref[i] != 0) max_rel = std::max(max_rel, err / std::fabs(ref[i]));
  }
  // Softmax rows sum to one: catches rows that were never written.
  const int n = m.output_width();
  for (int r = 0; r < s.batch; ++r) {
    double sum = 0;
    for (int j = 0; j < n; ++j) sum += fast[size_t(r) * n + j];
    ASSERT_NEAR(sum, 1.0, 1e-5) << "row " << r;
  }
}

}  // namespace

TEST(MlpCpu, MatchesDoubleReferenceAllThreads) {
  uint64_t seed = 100;
  for (const auto& s : kShapes) expect_matches_reference(s, seed++, cpu_threads_available());
}

TEST(MlpCpu, MatchesDoubleReferenceOneThread) {
  uint64_t seed = 200;
  for (const auto& s : kShapes) expect_matches_reference(s, seed++, 1);
}

TEST(MlpCpu, SameInputsGiveSameOutputsAcrossCalls) {
  set_cpu_threads(cpu_threads_available());
  const mlp_model m = make_mlp({48, 96, 12}, 9);
  const auto x = make_mlp_input(m, 70, 10);
  std::vector<float> a(70 * 12), b(70 * 12);
  mlp_cpu_workspace ws(m);
  mlp_forward_cpu(m, x.data(), 70, a.data(), ws);
  mlp_forward_cpu(m, x.data(), 70, b.data(), ws);
  EXPECT_EQ(a, b);
}

// Logits hundreds apart: exp() of them overflows float, so the softmax must
// subtract each row's maximum (subtracting anything smaller gives inf / inf).
TEST(MlpCpu, SoftmaxStaysFiniteForLogitsFarApart) {
  set_cpu_threads(cpu_threads_available());
  mlp_model m = make_mlp({16, 8}, 31);
  for (auto& w : m.weights[0]) w *= 20;
  for (int j = 0; j < 8; ++j) m.biases[0][size_t(j)] = 60.0f * float(j) - 200.0f;
  const int batch = 3;
  const auto x = make_mlp_input(m, batch, 32);
  std::vector<float> fast(size_t(batch) * 8);
  std::vector<double> ref(fast.size());
  mlp_cpu_workspace ws(m);
  mlp_forward_cpu(m, x.data(), batch, fast.data(), ws);
  mlp_forward_reference(m, x.data(), batch, ref.data());
  for (size_t i = 0; i < fast.size(); ++i) {
    ASSERT_TRUE(std::isfinite(fast[i])) << "index " << i;
    EXPECT_NEAR(fast[i], ref[i], 1e-3) << "index " << i;
  }
}

// The workspace holds one model's packed weights: another model's call is refused, not answered with them.
TEST(MlpCpu, AWorkspaceServesOnlyItsModel) {
  const mlp_model m1 = make_mlp({64, 64}, 1), m2 = make_mlp({64, 64}, 2);
  const auto x = make_mlp_input(m1, 2, 3);
  std::vector<float> out(2 * 64);
  mlp_cpu_workspace ws(m1);
  mlp_forward_cpu(m1, x.data(), 2, out.data(), ws);
  EXPECT_THROW(mlp_forward_cpu(m2, x.data(), 2, out.data(), ws), std::invalid_argument);
}

TEST(MlpModel, InputsAreSeededAndNotTrivial) {
  const mlp_model m1 = make_mlp({16, 8}, 5), m2 = make_mlp({16, 8}, 5), m3 = make_mlp({16, 8}, 6);
  EXPECT_EQ(m1.weights, m2.weights);
  EXPECT_NE(m1.weights, m3.weights);
  const auto x = make_mlp_input(m1, 4, 1);
  int zeros = 0;
  for (float v : x) zeros += v == 0.0f;
  EXPECT_EQ(zeros, 0);
  EXPECT_DOUBLE_EQ(m1.flops_per_sample(), 2.0 * 16 * 8);
}

// The report says which SIMD Eigen's kernels use (system.eigen_version): every
// instruction set the build enabled for the CPU code (system.flags' isa list)
// that Eigen 3.4 has kernels for appears in it. Eigen's own
// SimdInstructionSetsInUse() said "AVX" for this AVX2 + FMA build.
TEST(MlpCpu, ReportNamesTheSimdEigenUses) {
  const std::string flags = collect_host_info(1).flags, eigen = eigen_simd();
  const size_t open = flags.find("[isa:");
  ASSERT_NE(open, std::string::npos) << flags;
  std::istringstream isa(flags.substr(open + 5, flags.find(']', open) - open - 5));
  for (std::string name; isa >> name;) EXPECT_NE(eigen.find(name), std::string::npos) << name << " not in " << eigen;
}
