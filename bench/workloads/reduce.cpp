// reduce: the sum of a large fp32 array (op "sum") or of every row of a
// matrix (op "rows", row length `cols`). Checked against a double-precision
// sum with a bound that grows with the magnitude summed, since every side
// adds in its own order.
#include <cmath>

#include "reduce_cpu.hpp"
#include "gpu.hpp"
#include "point_base.hpp"

namespace accel {

namespace {

// fp32 sums of m terms in any blocked order: error well below 1e-6 * sum|x|
// for the sizes here (sequential chains of at most a few thousand terms).
constexpr double kRelBound = 1e-6;

class reduce_point final : public bounded_point {
 public:
  reduce_point(size_t rows, size_t cols, uint64_t seed)
      : rows_(rows), cols_(cols), x_(random_floats(rows * cols, derive_seed(seed, 21))) {
    out_.resize(rows);
    flops = double(rows * cols);
    bytes = double(rows * cols + rows) * sizeof(float);
    items = double(rows * cols);
  }
  void run_cpu(int) override {
    if (rows_ == 1)
      out_[0] = sum_cpu(x_.data(), cols_);
    else
      row_sums_cpu(x_.data(), rows_, cols_, out_.data());
  }
  void keep_reference() override {
    ref_.resize(rows_);
    bound_.resize(rows_);
    for (size_t r = 0; r < rows_; ++r) {
      const float* row = x_.data() + r * cols_;
      double s = 0, a = 0;
      for (size_t c = 0; c < cols_; ++c) {
        s += row[c];
        a += std::fabs(row[c]);
      }
      ref_[r] = s;
      bound_[r] = kRelBound * a + 1e-30;
    }
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_reduce_run(variant, device, x_.data(), rows_, cols_);
  }

 private:
  size_t rows_, cols_;
  std::vector<float> x_;
};

}  // namespace

workload make_reduce_workload() {
  workload w;
  w.name = std::string("reduce");
  w.description = std::string("sum of a large fp32 array (sum) or of each row of a matrix (rows)");
  w.items_name = std::string("elements");
  w.cpu_variants = {{"eigen", true}};
  w.gpu_variants = gpu::reduce_variants();
  w.parameters = {{"op", "sum: whole array; rows: each row of n/cols x cols", {"sum", "rows"}},
                  {"n", "elements", {}, 1, int64_t(1) << 30},
                  {"cols", "row length, op rows only", {}, 1, int64_t(1) << 24, true}};
  w.size_param = std::string("n");
  w.check = [](const json& p) {
    if (str_param(p, "op") != "rows") {
      if (p.contains("cols")) throw input_error("cols: only op rows has a row length");
      return;
    }
    if (!p.contains("cols")) throw input_error("cols: missing (op rows needs the row length)");
    const int64_t n = int_param(p, "n"), cols = int_param(p, "cols");
    if (n % cols != 0) throw input_error("n: " + std::to_string(n) + " is not a multiple of cols " + std::to_string(cols));
  };
  w.host_bytes = [](const json& p) { return 4.0 * double(int_param(p, "n")) * 3.0; };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    const size_t n = size_t(int_param(p, "n"));
    if (str_param(p, "op") == "sum") return std::make_unique<reduce_point>(1, n, seed);
    const size_t cols = size_t(int_param(p, "cols"));
    return std::make_unique<reduce_point>(n / cols, cols, seed);
  };
  return w;
}

}  // namespace accel
