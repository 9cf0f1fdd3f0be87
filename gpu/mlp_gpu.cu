// MLP forward on the GPU (fp32), the pair of cpu/mlp_cpu.cpp.
//   custom v1: sgemm_bias_act, a tiled SGEMM (128x128 block tile, 8x8 outputs
//              per thread in registers; 16x64 tiles for thin batches) with bias
//              and ReLU applied in the epilogue before the one store; then
//              softmax_rows, one warp per row.
//   cublas:    cublasSgemm per layer (plain fp32 math, no TF32), then our
//              bias_act pass and the same softmax_rows.
#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>

#include "cublas_util.cuh"
#include "cuda_util.cuh"
#include "gpu.hpp"
#include "timer.hpp"

namespace accel::gpu {
namespace {

// C[M x N] = act(A[M x K] * B[K x N] + bias[N]), all row-major.
// Thread (tx, ty) owns rows ty + i*TY and columns tx + j*TX of the block tile:
// strided ownership makes the shared-memory reads of B consecutive across a
// warp and the reads of A broadcasts, so neither has bank conflicts. A is
// stored transposed (As[k][m], row padded by 4) so the k-loop reads it by row.
template <int BM, int BN, int BK, int TM, int TN>
__global__ void __launch_bounds__((BM / TM) * (BN / TN))
    sgemm_bias_act(const float* __restrict__ A, const float* __restrict__ B, const float* __restrict__ bias,
                   float* __restrict__ C, int M, int N, int K, bool relu) {
  constexpr int TX = BN / TN, TY = BM / TM, THREADS = TX * TY;
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN];
  const int tid = threadIdx.x, tx = tid % TX, ty = tid / TX;
  // One grid dimension, column tiles fastest: gridDim.y (at most 65535) would
  // cap the batch at 65535 * BM rows.
  const int col_tiles = (N + BN - 1) / BN;
  const int m0 = int(blockIdx.x / col_tiles) * BM, n0 = int(blockIdx.x % col_tiles) * BN;
  float acc[TM][TN] = {};

  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK, gr = m0 + r, gc = k0 + c;
      As[c][r] = (gr < M && gc < K) ? A[size_t(gr) * K + gc] : 0.f;
    }
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN, c = i % BN, gr = k0 + r, gc = n0 + c;
      Bs[r][c] = (gr < K && gc < N) ? B[size_t(gr) * N + gc] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; ++i) a[i] = As[k][ty + i * TY];
#pragma unroll
      for (int j = 0; j < TN; ++j) b[j] = Bs[k][tx + j * TX];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int row = m0 + ty + i * TY;
    if (row >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int col = n0 + tx + j * TX;
      if (col >= N) continue;
      float v = acc[i][j] + bias[col];
      if (relu) v = fmaxf(v, 0.f);
      C[size_t(row) * N + col] = v;
    }
  }
}

template <int BM, int BN, int BK, int TM, int TN>
void launch_sgemm(const float* A, const float* B, const float* bias, float* C, int M, int N, int K, bool relu,
                  cudaStream_t s) {
  const unsigned blocks = unsigned((N + BN - 1) / BN) * unsigned((M + BM - 1) / BM);
  sgemm_bias_act<BM, BN, BK, TM, TN><<<blocks, launch_threads((BM / TM) * (BN / TN)), 0, s>>>(A, B, bias, C, M, N, K,
                                                                                             relu);
}

// Thin batches (few rows) would leave most of a 128-row tile idle and launch
// too few blocks to fill the GPU.
constexpr int kThinBatchRows = 64;

void sgemm_bias_act_launch(const float* A, const float* B, const float* bias, float* C, int M, int N, int K,
                           bool relu, cudaStream_t s) {
  if (M <= kThinBatchRows)
    launch_sgemm<16, 64, 16, 1, 4>(A, B, bias, C, M, N, K, relu, s);
  else
    launch_sgemm<128, 128, 8, 8, 8>(A, B, bias, C, M, N, K, relu, s);
  ACCEL_CUDA_LAUNCHED("sgemm_bias_act");
}

// y[r][c] = act(y[r][c] + bias[c]) over rows x cols, grid-stride.
__global__ void bias_act(float* __restrict__ y, const float* __restrict__ bias, size_t total, int cols, bool relu) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < total; i += size_t(gridDim.x) * blockDim.x) {
    float v = y[i] + bias[i % cols];
    y[i] = relu ? fmaxf(v, 0.f) : v;
  }
}

// Row-wise softmax in place, one warp per row: max and sum by warp shuffles.
__global__ void softmax_rows(float* __restrict__ x, int rows, int cols) {
  const int row = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;  // whole warps leave together (blockDim is a multiple of 32)
  float* r = x + size_t(row) * cols;
  float mx = -INFINITY;
  for (int c = lane; c < cols; c += 32) mx = fmaxf(mx, r[c]);
  for (int o = 16; o > 0; o /= 2) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, o));
  float sum = 0.f;
  for (int c = lane; c < cols; c += 32) sum += expf(r[c] - mx);
  for (int o = 16; o > 0; o /= 2) sum += __shfl_xor_sync(0xffffffffu, sum, o);
  const float inv = 1.f / sum;
  for (int c = lane; c < cols; c += 32) r[c] = expf(r[c] - mx) * inv;
}

class mlp_gpu_run final : public device_run {
 public:
  mlp_gpu_run(bool use_cublas, const mlp_model& m, const float* input, int batch)
      : widths_(m.widths), batch_(batch) {
    const int layers = m.layers();
    int hidden = 0;
    for (int l = 1; l < layers; ++l) hidden = std::max(hidden, m.widths[l]);
    for (int l = 0; l < layers; ++l) {
      weights_.emplace_back(m.weights[l].size());
      biases_.emplace_back(m.biases[l].size());
      ACCEL_CUDA(cudaMemcpy(weights_.back().get(), m.weights[l].data(), weights_.back().bytes(), cudaMemcpyHostToDevice));
      ACCEL_CUDA(cudaMemcpy(biases_.back().get(), m.biases[l].data(), biases_.back().bytes(), cudaMemcpyHostToDevice));
    }
    const size_t input_size = size_t(batch) * m.input_width();
    x_ = device_buffer<float>(input_size);
    act_[0] = device_buffer<float>(size_t(batch) * hidden);
    act_[1] = device_buffer<float>(size_t(batch) * hidden);
    out_ = device_buffer<float>(size_t(batch) * m.output_width());
    host_in_ = std::make_unique<pinned_buffer<float>>(input_size);
    host_out_ = std::make_unique<pinned_buffer<float>>(size_t(batch) * m.output_width());
    std::copy(input, input + input_size, host_in_->get());
    if (use_cublas) cublas_ = std::make_unique<cublas_handle>(stream_.get());
    copy_in();
    ACCEL_SYNC(stream_.get());
  }

  void run_once() override {
    copy_in();
    forward();
    copy_out();
    ACCEL_SYNC(stream_.get());
  }

  void set_input(const void* host) override {
    const float* h = static_cast<const float*>(host);
    std::copy(h, h + host_in_->size(), host_in_->get());
  }

  const void* output() const override { return host_out_->get(); }
  size_t output_bytes() const override { return host_out_->size() * sizeof(float); }

  double time_kernel_ns(int iterations) override {
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) forward();
    return timer_.stop_ns(stream_.get());
  }

  double time_end_to_end_ns(int iterations) override {
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) {
      copy_in();
      forward();
      copy_out();
    }
    return timer_.stop_ns(stream_.get());
  }

 private:
  void copy_in() {
    ACCEL_CUDA(cudaMemcpyAsync(x_.get(), host_in_->get(), x_.bytes(), cudaMemcpyHostToDevice, stream_.get()));
  }
  void copy_out() {
    ACCEL_CUDA(cudaMemcpyAsync(host_out_->get(), out_.get(), out_.bytes(), cudaMemcpyDeviceToHost, stream_.get()));
  }

  void forward() {
    const cudaStream_t s = stream_.get();
    const int layers = static_cast<int>(widths_.size()) - 1;
    const float* in = x_.get();
    for (int l = 0; l < layers; ++l) {
      const bool last = l + 1 == layers;
      const int k = widths_[l], n = widths_[l + 1];
      float* out = last ? out_.get() : act_[l % 2].get();
      if (cublas_) {
        // Row-major C = A*B is column-major C^T = B^T * A^T: swap the operands.
        const float one = 1.f, zero = 0.f;
        ACCEL_CUBLAS(cublasSgemm(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n, batch_, k, &one, weights_[l].get(), n,
                                 in, k, &zero, out, n));
        const size_t total = size_t(batch_) * n;
        const int blocks = static_cast<int>(std::min<size_t>((total + 255) / 256, 4096));
        bias_act<<<blocks, launch_threads(256), 0, s>>>(out, biases_[l].get(), total, n, !last);
        ACCEL_CUDA_LAUNCHED("bias_act");
      } else {
        sgemm_bias_act_launch(in, weights_[l].get(), biases_[l].get(), out, batch_, n, k, !last, s);
      }
      in = out;
    }
    const int rows_per_block = 8;  // 256 threads = 8 warps = 8 rows
    softmax_rows<<<(batch_ + rows_per_block - 1) / rows_per_block, launch_threads(32 * rows_per_block), 0, s>>>(
        out_.get(), batch_, widths_.back());
    ACCEL_CUDA_LAUNCHED("softmax_rows");
  }

  std::vector<int> widths_;
  int batch_;
  stream stream_;
  event_timer timer_;
  std::vector<device_buffer<float>> weights_, biases_;
  device_buffer<float> x_, act_[2], out_;
  std::unique_ptr<pinned_buffer<float>> host_in_, host_out_;
  std::unique_ptr<cublas_handle> cublas_;
};

// Times one launch + completion on the host clock (events would miss the
// module load, which happens on the host before the launch).
template <typename Launch>
double time_launch(cudaStream_t s, Launch launch) {
  const auto t0 = host_clock::now();
  launch();
  ACCEL_CUDA(cudaGetLastError());
  ACCEL_SYNC(s);
  return ns_since(t0);
}

}  // namespace

cold_start measure_cold_start(int device) {
  cold_start c;
  auto t0 = host_clock::now();
  ACCEL_CUDA(cudaSetDevice(device));
  ACCEL_CUDA(cudaFree(nullptr));  // forces context creation
  c.context_ns = ns_since(t0);
  stream st;
  t0 = host_clock::now();
  { cublas_handle h(st.get()); c.cublas_handle_ns = ns_since(t0); }
  const int n = 256;
  device_buffer<float> a(size_t(n) * n), b(size_t(n) * n), bias(n), out(size_t(n) * n);
  ACCEL_CUDA(cudaMemset(a.get(), 0, a.bytes()));
  ACCEL_CUDA(cudaMemset(b.get(), 0, b.bytes()));
  ACCEL_CUDA(cudaMemset(bias.get(), 0, bias.bytes()));
  const cudaStream_t s = st.get();
  const std::pair<const char*, std::function<void()>> kernels[] = {
      {"sgemm_bias_act_thin", [&] { launch_sgemm<16, 64, 16, 1, 4>(a.get(), b.get(), bias.get(), out.get(), 16, n, n, true, s); }},
      {"sgemm_bias_act_wide", [&] { launch_sgemm<128, 128, 8, 8, 8>(a.get(), b.get(), bias.get(), out.get(), n, n, n, true, s); }},
      {"bias_act", [&] { bias_act<<<64, 256, 0, s>>>(out.get(), bias.get(), size_t(n) * n, n, true); }},
      {"softmax_rows", [&] { softmax_rows<<<n / 8, 256, 0, s>>>(out.get(), n, n); }},
  };
  for (const auto& [name, launch] : kernels) c.first_launch_ns.emplace_back(name, time_launch(s, launch));
  for (const auto& [name, launch] : kernels) c.second_launch_ns.emplace_back(name, time_launch(s, launch));
  return c;
}

const std::vector<std::string>& mlp_variants() {
  static const std::vector<std::string> v{"custom", "cublas"};
  return v;
}

void check_mlp_allocation(const std::vector<int>& widths, int batch, int device) {
  ACCEL_CUDA(cudaSetDevice(device));
  std::vector<device_buffer<float>> held;
  int hidden = 0;
  for (size_t l = 1; l + 1 < widths.size(); ++l) hidden = std::max(hidden, widths[l]);
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    held.emplace_back(size_t(widths[l]) * widths[l + 1]);
    held.emplace_back(size_t(widths[l + 1]));
  }
  held.emplace_back(size_t(batch) * widths.front());
  held.emplace_back(size_t(batch) * hidden);
  held.emplace_back(size_t(batch) * hidden);
  held.emplace_back(size_t(batch) * widths.back());
}

std::unique_ptr<device_run> make_mlp_run(const std::string& variant, int device, const mlp_model& m,
                                         const float* input, int batch) {
  if (variant != "custom" && variant != "cublas") throw gpu_error("unknown MLP GPU variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<mlp_gpu_run>(variant == "cublas", m, input, batch);
}

}  // namespace accel::gpu
