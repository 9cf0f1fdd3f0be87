#include "batched_cpu.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace accel {

// ---------------------------------------------------------------- batched_gemm

namespace {

// Brings the next matrix's A, B and C into L2, one cache line per step: at
// n = 64 and 128 a product's 48-192 KiB no longer fits L1 and the hardware
// prefetchers do not follow the block order, so the cores waited on memory
// (53-65 % of the FMA ceiling on the AVX-512 VM). One step per k iteration
// spreads the lines over the first 3/4 (n = 64) or 3/8 (n = 128) of a
// product with AVX-512 blocks. In trials there, two lines per step, the L1
// hint, or the matrix after next (with the L1 hint) were slower; at n = 16
// and 32 (already near the ceiling) it gained nothing, so those go without.
template <int N>
class next_matrix_prefetch {
 public:
  next_matrix_prefetch(const float* a, const float* b, const float* c) : base_{a, b, c} {}
  void step() {
    if (base_[0] == nullptr || line_ >= 3 * kLines) return;
    __builtin_prefetch(reinterpret_cast<const char*>(base_[line_ / kLines]) + (line_ % kLines) * kLineBytes, 0, 2);
    ++line_;
  }

 private:
  static constexpr int kLineBytes = 64;
  static constexpr int kLines = N * N * int(sizeof(float)) / kLineBytes;
  const float* base_[3];
  int line_ = 0;
};

// One n x n product, C = A * B (column-major), as MR x NR blocks of C held in
// registers over the whole k loop: each step loads a column slice of A (MR/P
// packets) and broadcasts NR elements of B, MR/P x NR FMAs. Eigen's general
// product, used before, packs A and B for every call, which at these sizes
// costs more than it saves (README, "The batched workloads"). `next` holds
// the next product's A, B and C (nullptr: none).
template <int N, int MR, int NR>
void gemm_registers(const float* a, const float* b, float* c, next_matrix_prefetch<N> next) {
  constexpr bool prefetch = N >= 64;
  using block = Eigen::Matrix<float, MR, NR>;
  for (int r = 0; r < N; r += MR)
    for (int j = 0; j < N; j += NR) {
      block acc = block::Zero();
      for (int k = 0; k < N; ++k) {
        if constexpr (prefetch) next.step();
        const Eigen::Map<const Eigen::Matrix<float, MR, 1>> a_col(a + k * N + r);
        for (int q = 0; q < NR; ++q) acc.col(q).noalias() += a_col * b[(j + q) * N + k];
      }
      Eigen::Map<Eigen::Matrix<float, N, N>>(c).template block<MR, NR>(r, j) = acc;
    }
}

template <int N>
void gemm_fixed(int64_t batch, const float* a, const float* b, float* c) {
  // P floats per vector register. Blocks two registers tall, 8 wide where
  // there are 32 registers (AVX-512: 16 accumulators), else 4 wide (8 of
  // 16). In trials on the AVX-512 VM these beat blocks of whole columns at
  // n = 64 and 128, and 16 wide at n = 16 (16 broadcasts per load of A);
  // packing A and B first made every size slower.
  constexpr int P = Eigen::internal::packet_traits<float>::size;
  constexpr int MR = std::min(N, 2 * P), NR = P >= 16 ? 8 : 4;
  static_assert(N % MR == 0 && N % NR == 0, "blocks must tile the matrix");
  constexpr int64_t stride = int64_t(N) * N;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t at = i + 1 < batch ? (i + 1) * stride : -1;  // the next product, if any
    const next_matrix_prefetch<N> next = at < 0 ? next_matrix_prefetch<N>(nullptr, nullptr, nullptr)
                                                : next_matrix_prefetch<N>(a + at, b + at, c + at);
    gemm_registers<N, MR, NR>(a + i * stride, b + i * stride, c + i * stride, next);
  }
}

}  // namespace

void batched_gemm_cpu(int n, int64_t batch, const float* a, const float* b, float* c) {
  switch (n) {
    case 16: return gemm_fixed<16>(batch, a, b, c);
    case 32: return gemm_fixed<32>(batch, a, b, c);
    case 64: return gemm_fixed<64>(batch, a, b, c);
    case 128: return gemm_fixed<128>(batch, a, b, c);
    default: break;
  }
  using mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
  const int64_t stride = int64_t(n) * n;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < batch; ++i) {
    Eigen::Map<mat> ci(c + i * stride, n, n);
    ci.noalias() = Eigen::Map<const mat>(a + i * stride, n, n) * Eigen::Map<const mat>(b + i * stride, n, n);
  }
}

void batched_gemm_reference(int n, int64_t batch, const float* a, const float* b, double* c) {
  const int64_t stride = int64_t(n) * n;
  for (int64_t i = 0; i < batch; ++i)
    for (int col = 0; col < n; ++col)
      for (int row = 0; row < n; ++row) {
        double s = 0;
        for (int k = 0; k < n; ++k) s += double(a[i * stride + k * n + row]) * b[i * stride + col * n + k];
        c[i * stride + col * n + row] = s;
      }
}

// ---------------------------------------------------------------------- reduce

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

// ------------------------------------------------------------------------ scan

namespace {

// The array is scanned in rounds of one tile per thread (kScanTile). Pass 1
// sums each thread's tile (reads only, vectorised); the running totals give
// each tile its start. Pass 2 scans each tile from its start, reading it
// from the core's cache: the input comes from memory once. With one block
// per thread for the whole array (up to 5f41691) it came twice, and large
// scans were bound by that traffic on the H100 machine (README, "The
// batched workloads"). Pass 2 runs
// sixteen elements per step in two vector registers: three shift-and-add
// steps give each register's own prefix sums, the first's last lane is added
// to the second, then the carry from the previous sixteen to both, and the
// second's last lane becomes the next carry. One running sum instead waits
// an add's latency per element (the fp32 scan ran at half the int32 rate);
// one register per carry step (a72a675) still waited an add and a shuffle
// per eight: two took 0.71-0.75 of its time at 1 Mi elements (README, "The
// batched workloads"), four gained nothing more in a scratch trial.
// Scanning parts of a block side by side to overlap those chains (tried
// first, 344aa8c) ran 4-11x slower in an A/B run on the VM (not kept) where
// the parts lay a multiple of 4 KiB apart (likely 4K aliasing between their
// loads and stores), and was still slower than one chain at 16 Mi elements
// with the parts 2 KiB apart.
// __builtin_shufflevector: clang's (the sanitizer builds), and GCC's from
// GCC 12; an older compiler gets the one-chain loop.
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define ACCEL_SCAN_IN_VECTORS 1
#endif
#endif
typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef float f32x8 __attribute__((vector_size(32)));
template <typename T>
struct vec8_of {
  using type = i32x8;  // int32_t
};
template <>
struct vec8_of<float> {
  using type = f32x8;
};

template <typename T>
void scan_run(const T* in, T* out, size_t n, T carry) {
  using vec8 = typename vec8_of<T>::type;
  static_assert(sizeof(vec8) == 8 * sizeof(T), "eight lanes of T");
  const vec8 zero{};
  vec8 c = zero + carry;
  size_t i = 0;
#ifdef ACCEL_SCAN_IN_VECTORS
  const auto own_prefix = [](vec8 v) {
    const vec8 z{};
    v += __builtin_shufflevector(v, z, 8, 0, 1, 2, 3, 4, 5, 6);  // lane j: x[j-1] + x[j]
    v += __builtin_shufflevector(v, z, 8, 8, 0, 1, 2, 3, 4, 5);
    v += __builtin_shufflevector(v, z, 8, 8, 8, 8, 0, 1, 2, 3);
    return v;
  };
  const auto last_lane = [](vec8 v) { return __builtin_shufflevector(v, v, 7, 7, 7, 7, 7, 7, 7, 7); };
  for (; i + 16 <= n; i += 16) {
    vec8 v, w;
    __builtin_memcpy(&v, in + i, sizeof v);
    __builtin_memcpy(&w, in + i + 8, sizeof w);
    v = own_prefix(v);
    w = own_prefix(w) + last_lane(v);
    v += c;
    w += c;
    __builtin_memcpy(out + i, &v, sizeof v);
    __builtin_memcpy(out + i + 8, &w, sizeof w);
    c = last_lane(w);
  }
#endif
  for (T s = c[0]; i < n; ++i) out[i] = s += in[i];
}

// Elements per thread and round: 512 KiB of int32/fp32 input, which with
// its output stays in a core's L2 (1-2 MiB on current x86) between the two
// passes.
constexpr size_t kScanTile = size_t(128) << 10;

template <typename T>
void scan_blocked(const T* in, T* out, size_t n) {
  const int threads = omp_get_max_threads();
  // sums[r % 2][t]: the sum of thread t's tile in round r. Two sets, so a
  // thread may write the next round's while another still reads this one's;
  // one barrier per round, after which every thread adds up the starts itself.
  std::vector<T> sums[2] = {std::vector<T>(size_t(threads)), std::vector<T>(size_t(threads))};
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    T carry = 0;  // the sum of all rounds so far (the same in every thread)
    for (size_t base = 0, round = 0; base < n; base += nt * kScanTile, ++round) {
      const size_t m = std::min(nt * kScanTile, n - base);
      const size_t lo = base + m / nt * t + m % nt * t / nt, hi = base + m / nt * (t + 1) + m % nt * (t + 1) / nt;
      std::vector<T>& sum = sums[round % 2];
      T total = 0;
#pragma omp simd reduction(+ : total)
      for (size_t i = lo; i < hi; ++i) total += in[i];
      sum[t] = total;
#pragma omp barrier
      T start = carry;  // carry plus the tiles before this thread's
      for (size_t i = 0; i < t; ++i) start += sum[i];
      for (size_t i = 0; i < nt; ++i) carry += sum[i];
      scan_run(in + lo, out + lo, hi - lo, start);
    }
  }
}

}  // namespace

void inclusive_scan_parallel(const int32_t* in, int32_t* out, size_t n) { scan_blocked(in, out, n); }
void inclusive_scan_parallel(const float* in, float* out, size_t n) { scan_blocked(in, out, n); }
void inclusive_scan_std(const int32_t* in, int32_t* out, size_t n) { std::inclusive_scan(in, in + n, out); }
void inclusive_scan_std(const float* in, float* out, size_t n) { std::inclusive_scan(in, in + n, out); }

// ------------------------------------------------------------------------ sort

namespace {

// One stable counting pass on the byte at `shift`: src -> dst (values alike
// when Pairs). `count` holds 256 zeros on entry.
template <bool Pairs>
void radix_pass(const uint32_t* src_k, const uint32_t* src_v, uint32_t* dst_k, uint32_t* dst_v, size_t n, int shift,
                size_t* count) {
  for (size_t i = 0; i < n; ++i) ++count[(src_k[i] >> shift) & 0xff];
  size_t sum = 0;
  for (size_t d = 0; d < 256; ++d) {
    const size_t c = count[d];
    count[d] = sum;
    sum += c;
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t pos = count[(src_k[i] >> shift) & 0xff]++;
    dst_k[pos] = src_k[i];
    if constexpr (Pairs) dst_v[pos] = src_v[i];
  }
}

template <bool Pairs>
void radix_sort(uint32_t* keys, uint32_t* vals, size_t n, uint32_t* tmp_keys, uint32_t* tmp_vals) {
  const int threads = omp_get_max_threads();
  std::vector<size_t> hist(size_t(threads) * 256), bucket(257, n);
  // Pass 1, most significant byte, all threads: keys -> tmp, stable, into 256
  // buckets (each thread's share of a bucket after the earlier threads').
#pragma omp parallel num_threads(threads)
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    const size_t lo = n * t / nt, hi = n * (t + 1) / nt;
    size_t* h = &hist[t * 256];
    std::fill(h, h + 256, size_t(0));
    for (size_t i = lo; i < hi; ++i) ++h[keys[i] >> 24];
#pragma omp barrier
#pragma omp single
    {
      size_t sum = 0;
      for (size_t d = 0; d < 256; ++d) {
        bucket[d] = sum;
        for (size_t tt = 0; tt < nt; ++tt) {
          const size_t c = hist[tt * 256 + d];
          hist[tt * 256 + d] = sum;
          sum += c;
        }
      }
    }
    for (size_t i = lo; i < hi; ++i) {
      const size_t pos = h[keys[i] >> 24]++;
      tmp_keys[pos] = keys[i];
      if constexpr (Pairs) tmp_vals[pos] = vals[i];
    }
  }
  // Passes 2-4, bytes 0, 1, 2, inside each bucket: tmp -> keys -> tmp -> keys.
  // A bucket of uniform keys holds n/256 of them, so these passes stay in
  // cache where whole-array passes would not.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int d = 0; d < 256; ++d) {
    const size_t lo = bucket[size_t(d)], m = bucket[size_t(d) + 1] - lo;
    uint32_t *k = keys + lo, *tk = tmp_keys + lo, *v = Pairs ? vals + lo : nullptr, *tv = Pairs ? tmp_vals + lo : nullptr;
    size_t count[256];
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(tk, tv, k, v, m, 0, count);
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(k, v, tk, tv, m, 8, count);
    std::fill(count, count + 256, size_t(0));
    radix_pass<Pairs>(tk, tv, k, v, m, 16, count);
  }
}

}  // namespace

void radix_sort_parallel(uint32_t* keys, uint32_t* vals, size_t n, uint32_t* tmp_keys, uint32_t* tmp_vals) {
  if (vals)
    radix_sort<true>(keys, vals, n, tmp_keys, tmp_vals);
  else
    radix_sort<false>(keys, nullptr, n, tmp_keys, nullptr);
}

void sort_std(uint32_t* keys, uint32_t* vals, size_t n, uint64_t* packed) {
  if (!vals) {
    std::sort(keys, keys + n);
    return;
  }
  for (size_t i = 0; i < n; ++i) packed[i] = (uint64_t(keys[i]) << 32) | vals[i];
  std::sort(packed, packed + n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = uint32_t(packed[i] >> 32);
    vals[i] = uint32_t(packed[i]);
  }
}

// ----------------------------------------------------------------- elementwise

namespace {

// Splits [0, n) into per-thread blocks and applies f(lo, count) to each.
template <typename F>
void parallel_blocks(size_t n, F f) {
#pragma omp parallel
  {
    const size_t t = size_t(omp_get_thread_num()), nt = size_t(omp_get_num_threads());
    // Blocks start on 16-float boundaries so each thread's vector loads are aligned alike.
    const size_t lo = std::min(n, (n * t / nt) & ~size_t(15)), hi = t + 1 == nt ? n : std::min(n, (n * (t + 1) / nt) & ~size_t(15));
    if (hi > lo) f(lo, Eigen::Index(hi - lo));
  }
}

}  // namespace

void saxpy_cpu(float a, const float* x, const float* y, float* out, size_t n) {
  parallel_blocks(n, [&](size_t lo, Eigen::Index m) {
    Eigen::Map<Eigen::ArrayXf>(out + lo, m) =
        a * Eigen::Map<const Eigen::ArrayXf>(x + lo, m) + Eigen::Map<const Eigen::ArrayXf>(y + lo, m);
  });
}

void gelu_cpu(const float* x, float* out, size_t n) {
  constexpr float k0 = 0.7978845608028654f, k1 = 0.044715f;
  parallel_blocks(n, [&](size_t lo, Eigen::Index m) {
    const auto v = Eigen::Map<const Eigen::ArrayXf>(x + lo, m);
    Eigen::Map<Eigen::ArrayXf>(out + lo, m) = 0.5f * v * (1.f + (k0 * (v + k1 * v * v * v)).tanh());
  });
}

double gelu_reference(double x) {
  return 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

}  // namespace accel
