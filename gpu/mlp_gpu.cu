// MLP forward on the GPU (fp32), the pair of cpu/mlp_cpu.cpp. The kernels
// are in kernels/mlp.cuh.
//   custom v2: sgemm_bias_act, a tiled SGEMM (128x128 block tile, 8x8 outputs
//              per thread in registers; 16x64 tiles for thin batches) with bias
//              and ReLU applied in the epilogue before the one store; for
//              batches over 64 rows and layer widths of a multiple of 4, its
//              sgemm_bias_act_vec form (16-byte loads, double buffering); the
//              thin and vec forms split over K when a layer's tiles would
//              leave most SMs idle; then softmax_rows, one warp per row.
//   cublas:    cublasSgemm per layer (plain fp32 math, no TF32), then our
//              bias_act pass and the same softmax_rows.
#include <algorithm>
#include <chrono>
#include <functional>
#include <type_traits>

#include "cache_evict.cuh"
#include "cublas_util.cuh"
#include "cuda_util.cuh"
#include "gpu.hpp"
#include "kernels/mlp.cuh"
#include "timer.hpp"

namespace accel::gpu {
namespace {

int sm_count() {
  int device = 0, sms = 0;
  ACCEL_CUDA(cudaGetDevice(&device));
  ACCEL_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  return sms;
}

// One GEMM kernel with bias and activation as `p` splits it: unsplit it writes
// C; split, its partial tiles go to `workspace` (p.splits planes of M x N) and
// splitk_sum_bias_act adds them into C.
template <typename Tiles>
void launch_tiles(const float* A, const float* B, const float* bias, float* C, int M, int N, int K, bool relu,
                  const kernels::splitk_plan& p, float* workspace, cudaStream_t s) {
  const dim3 grid(Tiles::blocks(M, N), unsigned(p.splits)), block = launch_threads(Tiles::threads);
  constexpr bool vec = std::is_same_v<Tiles, kernels::sgemm_vec_tiles>;
  if (p.splits == 1) {
    if constexpr (vec)
      kernels::sgemm_bias_act_vec<false><<<grid, block, 0, s>>>(A, B, bias, C, M, N, K, relu, K, nullptr);
    else
      kernels::sgemm_bias_act<Tiles, false><<<grid, block, 0, s>>>(A, B, bias, C, M, N, K, relu, K, nullptr);
    ACCEL_CUDA_LAUNCHED("sgemm_bias_act");
    return;
  }
  if constexpr (std::is_same_v<Tiles, kernels::sgemm_wide>) {
    throw gpu_error("sgemm_bias_act: the wide tiles are not split over K");
  } else {
    if constexpr (vec)
      kernels::sgemm_bias_act_vec<true><<<grid, block, 0, s>>>(A, B, bias, C, M, N, K, relu, p.k_per_split,
                                                                workspace);
    else
      kernels::sgemm_bias_act<Tiles, true><<<grid, block, 0, s>>>(A, B, bias, C, M, N, K, relu, p.k_per_split,
                                                                   workspace);
    ACCEL_CUDA_LAUNCHED("sgemm_bias_act (split over K)");
    const size_t quads = size_t(M) * N / 4;
    const int blocks = static_cast<int>(std::min<size_t>((quads + 255) / 256, 4096));
    kernels::splitk_sum_bias_act<<<blocks, launch_threads(256), 0, s>>>(workspace, p.splits, bias, C, M, N, relu);
    ACCEL_CUDA_LAUNCHED("splitk_sum_bias_act");
  }
}

// Every buffer here comes from cudaMalloc (256-byte aligned) and starts at its
// beginning, so rows of a multiple of 4 floats keep every float4 aligned.
// `workspace` holds splitk_workspace_floats(); null when no layer splits.
void sgemm_bias_act_launch(const float* A, const float* B, const float* bias, float* C, int M, int N, int K,
                           bool relu, int sms, float* workspace, cudaStream_t s) {
  const kernels::splitk_plan p = kernels::layer_plan(M, N, K, sms);
  switch (kernels::kind_of(M, N, K)) {
    case kernels::sgemm_kind::thin:
      return launch_tiles<kernels::sgemm_thin>(A, B, bias, C, M, N, K, relu, p, workspace, s);
    case kernels::sgemm_kind::vec:
      return launch_tiles<kernels::sgemm_vec_tiles>(A, B, bias, C, M, N, K, relu, p, workspace, s);
    case kernels::sgemm_kind::wide:
      return launch_tiles<kernels::sgemm_wide>(A, B, bias, C, M, N, K, relu, p, workspace, s);
  }
}

class mlp_gpu_run final : public device_run {
 public:
  mlp_gpu_run(bool use_cublas, const mlp_model& m, const float* input, int batch)
      : widths_(m.widths), batch_(batch), sms_(sm_count()) {
    const int layers = m.layers();
    int hidden = 0;
    for (int l = 1; l < layers; ++l) hidden = std::max(hidden, m.widths[l]);
    for (int l = 0; l < layers; ++l) {
      weights_.emplace_back(m.weights[l].size());
      biases_.emplace_back(m.biases[l].size());
      // On the run's stream: a plain cudaMemcpy from pageable memory may return
      // before its DMA lands, and the non-blocking stream would not wait for it.
      ACCEL_CUDA(cudaMemcpyAsync(weights_.back().get(), m.weights[l].data(), weights_.back().bytes(),
                                 cudaMemcpyHostToDevice, stream_.get()));
      ACCEL_CUDA(cudaMemcpyAsync(biases_.back().get(), m.biases[l].data(), biases_.back().bytes(),
                                 cudaMemcpyHostToDevice, stream_.get()));
    }
    const size_t input_size = size_t(batch) * m.input_width();
    x_ = device_buffer<float>(input_size);
    act_[0] = device_buffer<float>(size_t(batch) * hidden);
    act_[1] = device_buffer<float>(size_t(batch) * hidden);
    out_ = device_buffer<float>(size_t(batch) * m.output_width());
    if (!use_cublas)
      if (const size_t ws = kernels::splitk_workspace_floats(widths_, batch, sms_))
        splitk_ws_ = device_buffer<float>(ws);
    host_in_ = std::make_unique<pinned_buffer<float>>(input_size);
    host_out_ = std::make_unique<pinned_buffer<float>>(size_t(batch) * m.output_width());
    std::copy(input, input + input_size, host_in_->get());
    if (use_cublas) cublas_ = std::make_unique<cublas_handle>(stream_.get());
    copy_in();
    // Poisoned (0xff bytes, NaN as fp32): an element of an activation, a
    // split-K plane or the output that the first run leaves unwritten makes
    // the output fail its verification instead of passing on what the memory held.
    for (device_buffer<float>* b : {&act_[0], &act_[1], &out_, &splitk_ws_})
      if (b->bytes() > 0) ACCEL_CUDA(cudaMemsetAsync(b->get(), 0xff, b->bytes(), stream_.get()));
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
    cold_.before_timing(iterations, stream_.get());
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) forward();
    return timer_.stop_ns(stream_.get());
  }

  double time_end_to_end_ns(int iterations) override {
    cold_.before_timing(iterations, stream_.get());
    timer_.start(stream_.get());
    for (int i = 0; i < iterations; ++i) {
      copy_in();
      forward();
      copy_out();
    }
    return timer_.stop_ns(stream_.get());
  }

  void set_cold(bool cold) override { cold_.set(cold, stream_.get()); }

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
        ACCEL_CUBLAS(cublas().sgemm(cublas_->get(), CUBLAS_OP_N, CUBLAS_OP_N, n, batch_, k, &one, weights_[l].get(), n,
                                    in, k, &zero, out, n));
        const size_t total = size_t(batch_) * n;
        const int blocks = static_cast<int>(std::min<size_t>((total + 255) / 256, 4096));
        kernels::bias_act<<<blocks, launch_threads(256), 0, s>>>(out, biases_[l].get(), total, n, !last);
        ACCEL_CUDA_LAUNCHED("bias_act");
      } else {
        sgemm_bias_act_launch(in, weights_[l].get(), biases_[l].get(), out, batch_, n, k, !last, sms_,
                              splitk_ws_.get(), s);
      }
      in = out;
    }
    const int rows_per_block = 8;  // 256 threads = 8 warps = 8 rows
    const int blocks = (batch_ + rows_per_block - 1) / rows_per_block;
    kernels::softmax_rows<<<blocks, launch_threads(32 * rows_per_block), 0, s>>>(out_.get(), batch_, widths_.back());
    ACCEL_CUDA_LAUNCHED("softmax_rows");
  }

  std::vector<int> widths_;
  int batch_;
  int sms_;
  stream stream_;
  event_timer timer_;
  cold_caches cold_;
  std::vector<device_buffer<float>> weights_, biases_;
  device_buffer<float> x_, act_[2], out_, splitk_ws_;
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
  cublas();
  c.cublas_load_ns = ns_since(t0);
  t0 = host_clock::now();
  { cublas_handle h(st.get()); c.cublas_handle_ns = ns_since(t0); }
  const int n = 256;
  device_buffer<float> a(size_t(n) * n), b(size_t(n) * n), bias(n), out(size_t(n) * n), planes(2 * size_t(n) * n);
  const cudaStream_t s = st.get();
  ACCEL_CUDA(cudaMemsetAsync(a.get(), 0, a.bytes(), s));
  ACCEL_CUDA(cudaMemsetAsync(b.get(), 0, b.bytes(), s));
  ACCEL_CUDA(cudaMemsetAsync(bias.get(), 0, bias.bytes(), s));
  ACCEL_SYNC(s);  // the first timed launch must not wait for these
  using kernels::sgemm_thin, kernels::sgemm_vec_tiles, kernels::sgemm_wide;
  // Every kernel a custom MLP may launch; split over K into two ranges of 128.
  const kernels::splitk_plan whole{1, n}, halves{2, n / 2};
  const auto gemm = [&](auto tiles, int rows, const kernels::splitk_plan& p) {
    return [&, rows, p] {
      launch_tiles<decltype(tiles)>(a.get(), b.get(), bias.get(), out.get(), rows, n, n, true, p, planes.get(), s);
    };
  };
  const std::pair<const char*, std::function<void()>> launches[] = {
      {"sgemm_bias_act_thin", gemm(sgemm_thin{}, 16, whole)},
      {"sgemm_bias_act_wide", gemm(sgemm_wide{}, n, whole)},
      {"sgemm_bias_act_vec", gemm(sgemm_vec_tiles{}, n, whole)},
      {"sgemm_bias_act_thin split over K + splitk_sum_bias_act", gemm(sgemm_thin{}, 16, halves)},
      {"sgemm_bias_act_vec split over K + splitk_sum_bias_act", gemm(sgemm_vec_tiles{}, n, halves)},
      {"bias_act", [&] { kernels::bias_act<<<64, 256, 0, s>>>(out.get(), bias.get(), size_t(n) * n, n, true); }},
      {"softmax_rows", [&] { kernels::softmax_rows<<<n / 8, 256, 0, s>>>(out.get(), n, n); }},
  };
  for (const auto& [name, launch] : launches) c.first_launch_ns.emplace_back(name, time_launch(s, launch));
  for (const auto& [name, launch] : launches) c.second_launch_ns.emplace_back(name, time_launch(s, launch));
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
  // The custom variant's split-K workspace (the larger of the two variants' footprints).
  if (const size_t ws = kernels::splitk_workspace_floats(widths, batch, sm_count())) held.emplace_back(ws);
}

std::unique_ptr<device_run> make_mlp_run(const std::string& variant, int device, const mlp_model& m,
                                         const float* input, int batch) {
  if (variant != "custom" && variant != "cublas") throw gpu_error("unknown MLP GPU variant '" + variant + "'");
  ACCEL_CUDA(cudaSetDevice(device));
  return std::make_unique<mlp_gpu_run>(variant == "cublas", m, input, batch);
}

}  // namespace accel::gpu
