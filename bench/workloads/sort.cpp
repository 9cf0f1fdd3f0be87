// sort: 32-bit unsigned keys, or key-value pairs (values are the keys'
// original positions, argsort-style), uniformly random or nearly sorted
// (sorted, then 1 % of positions swapped at random). CPU: a parallel radix
// sort (the reference and baseline) beside std::sort on one core.
// Every call sorts the same unsorted input: each side copies it into its
// work buffer first. Results must be exactly equal.
#include <algorithm>
#include <cstring>

#include "sort_cpu.hpp"
#include "gpu.hpp"
#include "point_base.hpp"
#include "random_fill.hpp"

namespace accel {

namespace {

class sort_point final : public exact_point {
 public:
  sort_point(size_t n, bool pairs, bool nearly_sorted, uint64_t seed) : n_(n), pairs_(pairs) {
    const uint64_t keys_seed = derive_seed(seed, 41);
    input_.resize(pairs ? 2 * n : n);
    out_.resize(input_.size());
    if (pairs)
      packed_.resize(n);
    else
      tmp_.resize(n);
    fill_bits(input_.data(), n, keys_seed);
    if (nearly_sorted) {
      // Sorted on all threads (what std::sort would give: the keys alone),
      // then the swaps draw on from where the keys' draws ended.
      std::vector<uint32_t> tmp(n);
      radix_sort_parallel(input_.data(), n, tmp.data());
      rng r(keys_seed);
      r.skip(n);
      for (size_t s = 0; s < n / 100; ++s) std::swap(input_[r.below(n)], input_[r.below(n)]);
    }
    if (pairs)
      for (size_t i = 0; i < n; ++i) input_[n + i] = uint32_t(i);
    flops = 0;
    // Read the unsorted input, write the sorted output: the least any sort moves.
    bytes = 2.0 * double(input_.size()) * sizeof(uint32_t);
    items = double(n);
  }
  void run_cpu(int v) override {
    std::memcpy(out_.data(), input_.data(), input_.size() * sizeof(uint32_t));
    uint32_t* vals = pairs_ ? out_.data() + n_ : nullptr;
    if (v != 0)
      sort_std(out_.data(), vals, n_, packed_.data());
    else if (pairs_)
      radix_sort_parallel(out_.data(), vals, n_, packed_.data());
    else
      radix_sort_parallel(out_.data(), n_, tmp_.data());
  }
  std::unique_ptr<device_run> make_gpu(const std::string& variant, int device) override {
    return gpu::make_sort_run(variant, device, input_.data(), n_, pairs_);
  }

 private:
  size_t n_;
  bool pairs_;
  std::vector<uint32_t> input_, tmp_;  // tmp_: the radix sort's scratch for keys alone
  std::vector<uint64_t> packed_;       // pairs packed to 64 bits: both sorts' scratch
};

}  // namespace

workload make_sort_workload() {
  workload w;
  w.name = std::string("sort");
  w.description = std::string("sort 32-bit keys or key-value pairs, uniform or nearly sorted");
  w.items_name = std::string("keys");
  w.cpu_variants = {{"radix", true}, {"std", false}};
  w.gpu_variants = gpu::sort_variants();
  w.parameters = {{"kind", "keys only, or key-value pairs", {"keys", "pairs"}},
                  {"dist", "input order", {"uniform", "nearly_sorted"}},
                  {"n", "keys", {}, 1, int64_t(1) << 30}};
  w.size_param = std::string("n");
  w.host_bytes = [](const json& p) { return double(int_param(p, "n")) * 4.0 * 2 * 6; };
  w.make_point = [](const json& p, uint64_t seed) -> std::unique_ptr<workload_point> {
    return std::make_unique<sort_point>(size_t(int_param(p, "n")), str_param(p, "kind") == "pairs",
                                        str_param(p, "dist") == "nearly_sorted", seed);
  };
  return w;
}

}  // namespace accel
