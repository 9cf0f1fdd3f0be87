// Our CUDA kernels (gpu/kernels/*.cuh), run on the host by
// tests/cuda_emulation.hpp, against double-precision references on random
// inputs: shapes off every tile multiple, size 1, several blocks. This runs
// on every machine; tests/test_*_gpu.cpp run the same kernels on a GPU. What
// the emulation cannot show (blocks at once, the memory model, speed) is for
// those.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "batched_gemm_cpu.hpp"
#include "elementwise_cpu.hpp"
#include "test_inputs.hpp"
// Last: the emulation's stand-ins for nvcc's built-ins, then the kernels.
#include "cuda_emulation.hpp"
#include "kernels/batched_gemm.cuh"
#include "kernels/elementwise.cuh"
#include "kernels/mlp.cuh"
#include "kernels/reduce.cuh"

using namespace accel::gpu::kernels;
using cuda_emulation::launch;

namespace {

// |got - want| <= atol + rtol * |want| everywhere.
void expect_close(const std::vector<float>& got, const std::vector<double>& want, double atol, double rtol,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::abs(got[i] - want[i]), atol + rtol * std::abs(want[i])) << what << " at " << i;
}

struct gemm_shape {
  int m, n, k;
};

template <typename Tiles>
void launch_sgemm(const float* a, const float* b, const float* bias, float* c, const gemm_shape& s, bool relu) {
  if constexpr (std::is_same_v<Tiles, sgemm_vec_tiles>)
    launch(dim3(Tiles::blocks(s.m, s.n)), dim3(Tiles::threads), sgemm_bias_act_vec<false>, a, b, bias, c, s.m, s.n, s.k,
           relu, s.k, static_cast<float*>(nullptr));
  else
    launch(dim3(Tiles::blocks(s.m, s.n)), dim3(Tiles::threads), sgemm_bias_act<Tiles, false>, a, b, bias, c, s.m,
           s.n, s.k, relu, s.k, static_cast<float*>(nullptr));
}

// act(A * B + bias) in double precision, row-major.
std::vector<double> reference_sgemm(const std::vector<float>& a, const std::vector<float>& b,
                                    const std::vector<float>& bias, const gemm_shape& s, bool relu) {
  std::vector<double> want(size_t(s.m) * s.n);
  for (int r = 0; r < s.m; ++r)
    for (int j = 0; j < s.n; ++j) {
      double acc = bias[j];
      for (int q = 0; q < s.k; ++q) acc += double(a[size_t(r) * s.k + q]) * b[size_t(q) * s.n + j];
      want[size_t(r) * s.n + j] = relu ? std::max(acc, 0.0) : acc;
    }
  return want;
}

template <typename Tiles>
void check_sgemm(const gemm_shape& s, bool relu, uint64_t seed) {
  const auto a = uniform(size_t(s.m) * s.k, seed), b = uniform(size_t(s.k) * s.n, seed + 1),
             bias = uniform(size_t(s.n), seed + 2);
  std::vector<float> c(size_t(s.m) * s.n, NAN);  // poisoned: every output must be written
  launch_sgemm<Tiles>(a.data(), b.data(), bias.data(), c.data(), s, relu);
  expect_close(c, reference_sgemm(a, b, bias, s, relu), 1e-5, 1e-4,
               "sgemm " + std::to_string(Tiles::BM) + "x" + std::to_string(Tiles::BN) + " M " + std::to_string(s.m) +
                   " N " + std::to_string(s.n) + " K " + std::to_string(s.k));
}

}  // namespace

// The emulator itself: launch geometry, barriers and shuffles.
TEST(CudaEmulation, EveryThreadRunsOnceWithItsIndices) {
  std::vector<unsigned> seen(3 * 64, 0);
  launch(dim3(3), dim3(64), [](unsigned* out) { out[blockIdx.x * blockDim.x + threadIdx.x] += 1 + threadIdx.x; },
         seen.data());
  for (unsigned i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1 + i % 64) << i;
}

TEST(CudaEmulation, ShuffleXorSwapsLanesWithinAWarp) {
  std::vector<float> out(64);
  launch(dim3(1), dim3(64), [](float* o) {
    o[threadIdx.x] = __shfl_xor_sync(0xffffffffu, float(threadIdx.x), 5);
  }, out.data());
  for (unsigned t = 0; t < 64; ++t) EXPECT_EQ(out[t], float(t ^ 5u)) << t;
}

TEST(KernelsEmulated, SgemmBiasActThinTiles) {
  uint64_t seed = 10;
  for (const gemm_shape& s : {gemm_shape{1, 1, 1}, {1, 70, 33}, {17, 64, 16}, {33, 130, 40}, {64, 5, 3}})
    for (bool relu : {true, false}) check_sgemm<sgemm_thin>(s, relu, seed += 3);
}

TEST(KernelsEmulated, SgemmBiasActWideTiles) {
  uint64_t seed = 50;
  for (const gemm_shape& s : {gemm_shape{1, 1, 1}, {130, 129, 17}, {65, 3, 9}, {128, 128, 8}})
    for (bool relu : {true, false}) check_sgemm<sgemm_wide>(s, relu, seed += 3);
}

// 16-byte rows only (K and N multiples of 4): tails in M, N and K (K = 12 and
// 20 end mid k-slice), one tile, several tiles each way.
TEST(KernelsEmulated, SgemmBiasActVectorTiles) {
  uint64_t seed = 70;
  for (const gemm_shape& s : {gemm_shape{1, 4, 4}, {130, 132, 20}, {65, 4, 12}, {128, 128, 8}, {257, 260, 16}})
    for (bool relu : {true, false}) check_sgemm<sgemm_vec_tiles>(s, relu, seed += 3);
}

// Split over K: partial tiles per range of K, then the planes added up with
// bias and activation, as gpu/mlp_gpu.cu launches them for the vec and thin
// tiles. Ranges of 144 with a shorter last one (K = 1000 in 7), and K = 260
// in 2 (136 + 124): with the thin tiles' slices of 16 the first range ends
// inside a slice, where the loads must stop at the range's end, not at K.
// Tails in M and N.
template <typename Tiles>
void check_sgemm_split(const gemm_shape& s, int splits, uint64_t seed) {
  const unsigned tiles = Tiles::blocks(s.m, s.n);
  const splitk_plan p = plan_splitk(tiles, 2 * splits * int(tiles), s.k);
  ASSERT_EQ(p.splits, splits) << s.k;
  for (bool relu : {true, false}) {
    const auto a = uniform(size_t(s.m) * s.k, seed), b = uniform(size_t(s.k) * s.n, seed + 1),
               bias = uniform(size_t(s.n), seed + 2);
    seed += 3;
    std::vector<float> c(size_t(s.m) * s.n, NAN), partial(size_t(p.splits) * c.size(), NAN);
    const dim3 grid(tiles, unsigned(p.splits)), block(Tiles::threads);
    if constexpr (std::is_same_v<Tiles, sgemm_vec_tiles>)
      launch(grid, block, sgemm_bias_act_vec<true>, a.data(), b.data(), bias.data(), static_cast<float*>(nullptr),
             s.m, s.n, s.k, relu, p.k_per_split, partial.data());
    else
      launch(grid, block, sgemm_bias_act<Tiles, true>, a.data(), b.data(), bias.data(), static_cast<float*>(nullptr),
             s.m, s.n, s.k, relu, p.k_per_split, partial.data());
    launch(dim3(3), dim3(64), splitk_sum_bias_act, static_cast<const float*>(partial.data()), p.splits, bias.data(),
           c.data(), s.m, s.n, relu);
    expect_close(c, reference_sgemm(a, b, bias, s, relu), 1e-5, 1e-4,
                 "split-K " + std::to_string(Tiles::BM) + "x" + std::to_string(Tiles::BN) + " M " +
                     std::to_string(s.m) + " K " + std::to_string(s.k));
  }
}

TEST(KernelsEmulated, SgemmBiasActVectorSplitOverK) {
  check_sgemm_split<sgemm_vec_tiles>({200, 64, 1000}, 7, 90);
  check_sgemm_split<sgemm_vec_tiles>({130, 132, 260}, 2, 93);
}

TEST(KernelsEmulated, SgemmBiasActThinSplitOverK) {
  check_sgemm_split<sgemm_thin>({1, 68, 1000}, 7, 110);
  check_sgemm_split<sgemm_thin>({33, 132, 260}, 2, 113);
}

// What gpu/mlp_gpu.cu launches for each layer of the default network on an
// H100's 132 SMs: the plans gpu/TUNING.md's predictions rest on, and the
// workspace the run allocates for them.
TEST(KernelsEmulated, MlpLayerPlansOnAnH100) {
  const std::vector<int> widths{512, 1024, 1024, 1024, 64};
  const int sms = 132;
  using plans = std::vector<std::pair<int, int>>;  // (splits, k_per_split) per layer
  const auto plan = [&](int batch) {
    plans v;
    for (size_t l = 0; l + 1 < widths.size(); ++l) {
      const splitk_plan p = layer_plan(batch, widths[l + 1], widths[l], sms);
      v.emplace_back(p.splits, p.k_per_split);
    }
    return v;
  };
  EXPECT_EQ(kind_of(16, 1024, 512), sgemm_kind::thin);
  EXPECT_EQ(kind_of(65, 1024, 512), sgemm_kind::vec);
  EXPECT_EQ(kind_of(65, 1022, 512), sgemm_kind::wide);
  // Thin (16 tiles of a 1024-wide layer, 1 of the last) and vec at 256 rows:
  // every layer split, into ranges of 128.
  for (int batch : {1, 16, 256}) EXPECT_EQ(plan(batch), (plans{{4, 128}, {8, 128}, {8, 128}, {8, 128}})) << batch;
  // Batch 4096: only the 64-wide last layer (32 tiles), batch 16384: none.
  EXPECT_EQ(plan(4096), (plans{{1, 512}, {1, 1024}, {1, 1024}, {4, 256}}));
  EXPECT_EQ(plan(16384), (plans{{1, 512}, {1, 1024}, {1, 1024}, {1, 1024}}));
  EXPECT_EQ(splitk_workspace_floats(widths, 1, sms), 8u * 1024);
  EXPECT_EQ(splitk_workspace_floats(widths, 256, sms), 8u * 256 * 1024);
  EXPECT_EQ(splitk_workspace_floats(widths, 4096, sms), 4u * 4096 * 64);
  EXPECT_EQ(splitk_workspace_floats(widths, 16384, sms), 0u);
  // Rows off a multiple of 4 floats never split (the sum pass reads float4s).
  EXPECT_EQ(layer_plan(16, 1022, 1024, sms).splits, 1);   // thin
  EXPECT_EQ(layer_plan(200, 64, 1023, sms).splits, 1);    // wide
}

// When to split: only when the tiles leave more than half the SMs idle, into
// as many ranges as fit in one wave at one block per SM, none under 128.
TEST(KernelsEmulated, SplitOverKPlan) {
  const auto plan = [](unsigned blocks, int sms, int k) {
    const splitk_plan p = plan_splitk(blocks, sms, k);
    return std::pair{p.splits, p.k_per_split};
  };
  EXPECT_EQ(plan(32, 132, 1024), (std::pair{4, 256}));   // the MLP's last layer, batch 4096, H100
  EXPECT_EQ(plan(128, 132, 1024), (std::pair{1, 1024})); // the same at batch 16384: one wave already
  EXPECT_EQ(plan(66, 132, 1024), (std::pair{2, 512}));   // exactly half the SMs busy
  EXPECT_EQ(plan(67, 132, 1024), (std::pair{1, 1024}));
  EXPECT_EQ(plan(32, 132, 200), (std::pair{1, 200}));    // too little K to share
  EXPECT_EQ(plan(32, 0, 1024), (std::pair{1, 1024}));    // SM count unknown
  EXPECT_EQ(plan(2, 28, 1000), (std::pair{7, 144}));     // 144 x 6 + 136
}

TEST(KernelsEmulated, BiasAct) {
  for (bool relu : {true, false}) {
    const int rows = 27, cols = 37;
    const auto y0 = uniform(size_t(rows) * cols, 90), bias = uniform(size_t(cols), 91);
    std::vector<float> y = y0;
    launch(dim3(3), dim3(64), bias_act, y.data(), bias.data(), y.size(), cols, relu);  // grid-stride: 3 x 64 < n
    std::vector<double> want(y.size());
    for (size_t i = 0; i < y.size(); ++i) {
      const double v = double(y0[i]) + bias[i % cols];
      want[i] = relu ? std::max(v, 0.0) : v;
    }
    expect_close(y, want, 1e-6, 1e-6, relu ? "bias_act relu" : "bias_act");
  }
}

TEST(KernelsEmulated, SoftmaxRows) {
  // The last shape's logits lie hundreds apart, where expf overflows unless
  // each row's maximum is subtracted first.
  for (auto [rows, cols, spread] : {std::tuple{19, 70, 8.f}, {3, 1, 8.f}, {8, 32, 8.f}, {5, 40, 300.f}}) {
    const auto x0 = uniform(size_t(rows) * cols, 100 + cols, -spread, spread);
    std::vector<float> x = x0;
    const int rows_per_block = 2;  // 64 threads, a warp per row
    launch(dim3((rows + rows_per_block - 1) / rows_per_block), dim3(32 * rows_per_block), softmax_rows, x.data(),
           rows, cols);
    std::vector<double> want(x.size());
    for (int r = 0; r < rows; ++r) {
      const float* row = &x0[size_t(r) * cols];
      double mx = row[0], sum = 0;
      for (int c = 0; c < cols; ++c) mx = std::max(mx, double(row[c]));
      for (int c = 0; c < cols; ++c) sum += std::exp(row[c] - mx);
      for (int c = 0; c < cols; ++c) want[size_t(r) * cols + c] = std::exp(row[c] - mx) / sum;
    }
    expect_close(x, want, 1e-7, 1e-5, "softmax " + std::to_string(rows) + "x" + std::to_string(cols));
  }
}

template <int N>
void check_gemm_batched(int64_t batch, uint64_t seed) {
  const size_t count = size_t(N) * N * size_t(batch);
  const auto a = uniform(count, seed), b = uniform(count, seed + 1);
  std::vector<float> c(count, NAN);
  // As gpu/batched_gemm.cu launches them: the 16-byte form from n = 64.
  if constexpr (N >= 64)
    launch(gemm_batched_grid<N>(batch), dim3(kGemmBatchedThreads), gemm_batched_tiles_vec<N>, a.data(), b.data(),
           c.data());
  else
    launch(gemm_batched_grid<N>(batch), dim3(kGemmBatchedThreads), gemm_batched_tiles<N>, a.data(), b.data(),
           c.data());
  std::vector<double> want(count);
  accel::batched_gemm_reference(N, batch, a.data(), b.data(), want.data());
  expect_close(c, want, 1e-5 * N, 1e-5, "gemm_batched_tiles n " + std::to_string(N));
}

TEST(KernelsEmulated, GemmBatchedTiles) {
  check_gemm_batched<16>(3, 200);
  check_gemm_batched<32>(2, 210);
  check_gemm_batched<64>(2, 220);
  check_gemm_batched<128>(3, 230);  // more than one matrix of several tiles
}

TEST(KernelsEmulated, SumOnePassTwiceOnOneCounter) {
  for (size_t n : {size_t(1), size_t(5), size_t(1027), size_t(100003)})
    for (unsigned blocks : {1u, 3u}) {
      const auto x = uniform(n, 300 + n);
      double want = 0;
      for (float v : x) want += v;
      std::vector<float> partials(blocks);
      unsigned done = 0;
      for (int call = 0; call < 2; ++call) {  // the last block resets the counter for the next call
        float got = NAN;
        launch(dim3(blocks), dim3(kReduceThreads), sum_one_pass, x.data(), n, partials.data(), &done, &got);
        EXPECT_NEAR(got, want, 1e-6 * double(n) + 1e-6) << "n " << n << " blocks " << blocks << " call " << call;
        EXPECT_EQ(done, 0u);
      }
    }
}

TEST(KernelsEmulated, RowSumsWarp) {
  // cols % 4 == 0 takes the 16-byte path; the others the scalar one.
  for (auto [rows, cols] : {std::pair<size_t, size_t>{1, 1}, {5, 7}, {9, 12}, {17, 130}}) {
    const auto x = uniform(rows * cols, 400 + cols);
    std::vector<float> got(rows, NAN);
    launch(dim3(row_sums_blocks(rows)), dim3(kReduceThreads), row_sums_warp, x.data(), rows, cols, got.data());
    std::vector<double> want(rows, 0.0);
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) want[r] += x[r * cols + c];
    expect_close(got, want, 1e-5, 1e-5, "row sums " + std::to_string(rows) + "x" + std::to_string(cols));
  }
}

TEST(KernelsEmulated, SaxpyAndGelu) {
  for (size_t n : {size_t(1), size_t(7), size_t(1001)}) {
    const auto x = uniform(n, 500 + n, -4, 4), y = uniform(n, 600 + n);
    const float a = 0.75f;
    std::vector<float> out(n, NAN);
    launch(dim3(2), dim3(kElementwiseThreads), saxpy_vec4, a, x.data(), y.data(), out.data(), n);
    std::vector<double> want(n);
    for (size_t i = 0; i < n; ++i) want[i] = double(a) * x[i] + y[i];
    expect_close(out, want, 1e-6, 1e-6, "saxpy n " + std::to_string(n));

    std::fill(out.begin(), out.end(), NAN);
    launch(dim3(2), dim3(kElementwiseThreads), gelu_vec4, x.data(), out.data(), n);
    for (size_t i = 0; i < n; ++i) want[i] = accel::gelu_reference(x[i]);
    expect_close(out, want, 1e-6, 1e-5, "gelu n " + std::to_string(n));
  }
}
