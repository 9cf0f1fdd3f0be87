#include "mlp_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace accel {

using row_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using row_vector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// The layer product y = x * W (x: rows x K, W: K x N, both row-major) runs
// as blocks of y held in registers over the whole k loop: kRows rows by
// kCols columns (two vector registers wide), each k step one broadcast of x
// per row and two vector loads of W. W is packed once per workspace into
// column blocks of K x kCols, contiguous, so a block's re-reads for further
// rows come from cache: read in place, W's rows lie N floats apart and a
// block's lines fall into a few cache sets. Eigen's general product packs W
// anew on every call, as much traffic as the product itself at small batches.
constexpr int kPacket = Eigen::internal::packet_traits<float>::size;
constexpr int kCols = 2 * kPacket;
// 16 accumulators of 32 registers (AVX-512), else 12 of 16 (AVX2, SSE): with
// 8 there (4 rows, before), the two FMA pipes of 4 cycles' latency waited on
// their chains. Rows past the last full block go in blocks of 4, 2, then 1.
constexpr int kRows = kPacket >= 16 ? 8 : 6;
constexpr int kRowChunk = 64;  // rows per task: their x rows stay in cache across W's blocks

struct mlp_cpu_workspace::buffers {
  row_matrix a, b;                         // ping-pong activations
  std::vector<std::vector<float>> packed;  // per layer: W's full column blocks, each K x kCols
};

namespace {

void pack_weights(const mlp_model& m, std::vector<std::vector<float>>& packed) {
  const int threads = Eigen::nbThreads();
  packed.resize(size_t(m.layers()));
  for (int l = 0; l < m.layers(); ++l) {
    const int k_dim = m.widths[l], n = m.widths[l + 1], blocks = n / kCols;
    const float* w = m.weights[l].data();
    std::vector<float>& p = packed[size_t(l)];
    p.resize(size_t(blocks) * k_dim * kCols);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int blk = 0; blk < blocks; ++blk)
      for (int k = 0; k < k_dim; ++k)
        std::copy_n(w + size_t(k) * n + size_t(blk) * kCols, kCols, p.data() + (size_t(blk) * k_dim + k) * kCols);
  }
}

// R rows of y (row stride n) from R rows of x (row stride k_dim) and one packed block of W.
template <int R>
void block_product(const float* x, int k_dim, const float* w_block, float* y, int n) {
  using acc_t = Eigen::Matrix<float, R, kCols, Eigen::RowMajor>;
  using seg_t = Eigen::Matrix<float, 1, kCols>;
  acc_t acc = acc_t::Zero();
  for (int k = 0; k < k_dim; ++k) {
    const Eigen::Map<const seg_t> wk(w_block + size_t(k) * kCols);
    for (int r = 0; r < R; ++r) acc.row(r).noalias() += x[size_t(r) * k_dim + k] * wk;
  }
  for (int r = 0; r < R; ++r) Eigen::Map<seg_t>(y + size_t(r) * n) = acc.row(r);
}

// The rows [r, r_end) of one column block: kRows at a time, then the rest.
template <int R = kRows>
void rows_product(const float* x, int r, int r_end, int k_dim, const float* w_block, float* y, int n) {
  for (; r + R <= r_end; r += R) block_product<R>(x + size_t(r) * k_dim, k_dim, w_block, y + size_t(r) * n, n);
  if constexpr (R > 1) rows_product<(R > 4 ? 4 : R / 2)>(x, r, r_end, k_dim, w_block, y, n);
}

void layer_product(const float* x, int rows, int k_dim, const float* w, const float* packed, int n, float* y,
                   int threads) {
  const int blocks = n / kCols, chunks = (rows + kRowChunk - 1) / kRowChunk;
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
  for (int c = 0; c < chunks; ++c)
    for (int blk = 0; blk < blocks; ++blk)
      rows_product(x, c * kRowChunk, std::min(rows, (c + 1) * kRowChunk), k_dim, packed + size_t(blk) * k_dim * kCols,
                   y + size_t(blk) * kCols, n);
  const int done = blocks * kCols;
  if (done == n) return;  // the columns past the last full block: Eigen's product, in place in W
  const Eigen::Map<const row_matrix> xm(x, rows, k_dim), wm(w, k_dim, n);
  Eigen::Map<row_matrix> ym(y, rows, n);
  ym.rightCols(n - done).noalias() = xm * wm.rightCols(n - done);
}

}  // namespace

mlp_cpu_workspace::mlp_cpu_workspace(const mlp_model& m) : model(m), b(std::make_unique<buffers>()) {
  pack_weights(m, b->packed);
}
mlp_cpu_workspace::~mlp_cpu_workspace() = default;

void mlp_forward_cpu(const mlp_model& m, const float* x, int batch, float* out, mlp_cpu_workspace& ws) {
  if (&m != &ws.model) throw std::invalid_argument("mlp_forward_cpu: the workspace belongs to another model");
  const int threads = Eigen::nbThreads();
  row_matrix* cur = &ws.b->a;
  row_matrix* next = &ws.b->b;
  for (int l = 0; l < m.layers(); ++l) {
    const int in = m.widths[l], outw = m.widths[l + 1];
    Eigen::Map<const row_vector> bias(m.biases[l].data(), outw);
    next->resize(batch, outw);
    layer_product(l == 0 ? x : cur->data(), batch, in, m.weights[l].data(), ws.b->packed[size_t(l)].data(), outw,
                  next->data(), threads);
    const bool hidden = l + 1 < m.layers();
#pragma omp parallel for num_threads(threads) schedule(static) if (batch >= 64)
    for (int r = 0; r < batch; ++r) {
      auto row = next->row(r);
      row += bias;
      if (hidden) row = row.cwiseMax(0.0f);
    }
    std::swap(cur, next);
  }
  // Row-wise softmax, max-subtracted for stability. Computed in the workspace,
  // not in `out`: Eigen's vectorised exp takes a scalar path for unaligned
  // heads, so working in the caller's buffer would make results depend on its
  // alignment (seen: last-ulp differences between two calls).
  const int n = m.output_width();
#pragma omp parallel for num_threads(threads) schedule(static) if (batch >= 64)
  for (int r = 0; r < batch; ++r) {
    auto row = cur->row(r);
    row.array() = (row.array() - row.maxCoeff()).exp();
    row /= row.sum();
  }
  Eigen::Map<row_matrix>(out, batch, n) = *cur;
}

void mlp_forward_reference(const mlp_model& m, const float* x, int batch, double* out) {
  std::vector<double> cur(x, x + size_t(batch) * m.input_width()), next;
  for (int l = 0; l < m.layers(); ++l) {
    const int in = m.widths[l], outw = m.widths[l + 1];
    next.assign(size_t(batch) * outw, 0.0);
    for (int r = 0; r < batch; ++r)
      for (int j = 0; j < outw; ++j) {
        double acc = m.biases[l][j];
        for (int k = 0; k < in; ++k) acc += cur[size_t(r) * in + k] * double(m.weights[l][size_t(k) * outw + j]);
        next[size_t(r) * outw + j] = (l + 1 < m.layers()) ? std::max(acc, 0.0) : acc;
      }
    cur.swap(next);
  }
  const int n = m.output_width();
  for (int r = 0; r < batch; ++r) {
    const double* row = &cur[size_t(r) * n];
    const double mx = *std::max_element(row, row + n);
    double sum = 0;
    for (int j = 0; j < n; ++j) sum += std::exp(row[j] - mx);
    for (int j = 0; j < n; ++j) out[size_t(r) * n + j] = std::exp(row[j] - mx) / sum;
  }
}

}  // namespace accel
