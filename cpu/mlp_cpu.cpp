#include "mlp_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

namespace accel {

using row_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using row_vector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct mlp_cpu_workspace::buffers {
  row_matrix a, b;  // ping-pong activations
};
mlp_cpu_workspace::mlp_cpu_workspace() : b(std::make_unique<buffers>()) {}
mlp_cpu_workspace::~mlp_cpu_workspace() = default;

// Eigen parallelises one large GEMM itself. A thin one (few rows) it runs on
// one core, or splits badly: 16 x 1024 times 1024 x 64 (the last layer at
// batch 16) took 54 us on two threads against 28 us on one (2-vCPU VM), and
// its split gives each thread rows / threads rows rounded down to the
// kernel's 48, i.e. none, to all but the last. So thin products split the
// output columns across the cores instead, always inside our parallel loop,
// where Eigen stays serial: blocks of 16-64 columns, enough for every thread
// (that product: 19 us in two blocks of 32).
static constexpr int kEigenParallelMinRows = 64;

template <typename X>
static void gemm(const X& x, const Eigen::Map<const row_matrix>& w, row_matrix& y) {
  const int threads = Eigen::nbThreads();
  const Eigen::Index cols = w.cols();
  if (x.rows() >= kEigenParallelMinRows || threads == 1) {
    y.noalias() = x * w;
    return;
  }
  // At most 64 columns keep each thread's slice of W short per row; at least 16 keep the blocks worth a thread.
  const Eigen::Index per_thread = (cols + threads - 1) / threads;
  const Eigen::Index width = std::clamp<Eigen::Index>((per_thread + 15) / 16 * 16, 16, 64);
  const Eigen::Index blocks = (cols + width - 1) / width;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (Eigen::Index blk = 0; blk < blocks; ++blk) {
    const Eigen::Index c0 = blk * width, nc = std::min<Eigen::Index>(width, cols - c0);
    y.middleCols(c0, nc).noalias() = x * w.middleCols(c0, nc);
  }
}

void mlp_forward_cpu(const mlp_model& m, const float* x, int batch, float* out, mlp_cpu_workspace& ws) {
  const int threads = Eigen::nbThreads();
  row_matrix* cur = &ws.b->a;
  row_matrix* next = &ws.b->b;
  const Eigen::Map<const row_matrix> input(x, batch, m.input_width());
  for (int l = 0; l < m.layers(); ++l) {
    const int in = m.widths[l], outw = m.widths[l + 1];
    Eigen::Map<const row_matrix> w(m.weights[l].data(), in, outw);
    Eigen::Map<const row_vector> bias(m.biases[l].data(), outw);
    next->resize(batch, outw);
    if (l == 0)
      gemm(input, w, *next);
    else
      gemm(*cur, w, *next);
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
