#include "reduce_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <vector>

namespace accel {

float sum_cpu(const float* x, size_t n) {
  // Each thread sums a contiguous block with Eigen's vectorised reduction;
  // the per-thread partials are added in thread order (deterministic).
  const int threads = omp_get_max_threads();
  std::vector<float> partial(size_t(threads), 0.f);
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    const size_t lo = n * t / nt, hi = n * (t + 1) / nt;
    if (hi > lo) partial[t] = Eigen::Map<const Eigen::ArrayXf>(x + lo, Eigen::Index(hi - lo)).sum();
  }
  float s = 0;
  for (float p : partial) s += p;
  return s;
}

double sum_reference(const float* x, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += x[i];
  return s;
}

void row_sums_cpu(const float* x, size_t rows, size_t cols, float* out) {
  using row_major = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int64_t r = int64_t(rows);
  // Blocks of 64 rows per task: Eigen's rowwise sum vectorises along the row.
#pragma omp parallel for schedule(static)
  for (int64_t r0 = 0; r0 < r; r0 += 64) {
    const int64_t nr = std::min<int64_t>(64, r - r0);
    Eigen::Map<const row_major> block(x + size_t(r0) * cols, nr, Eigen::Index(cols));
    Eigen::Map<Eigen::ArrayXf>(out + r0, nr) = block.rowwise().sum();
  }
}

}  // namespace accel
