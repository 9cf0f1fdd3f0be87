// All workloads, in the order they run and print. Adding one: a file in this
// folder with a make_*_workload() and a line here.
#include "workload.hpp"

namespace accel {

workload make_mlp_workload();
workload make_batched_gemm_workload();
workload make_reduce_workload();
workload make_scan_workload();
workload make_sort_workload();
workload make_elementwise_workload();

const std::vector<workload>& all_workloads() {
  static const std::vector<workload> w{make_mlp_workload(),  make_batched_gemm_workload(), make_reduce_workload(),
                                       make_scan_workload(), make_sort_workload(),         make_elementwise_workload()};
  return w;
}

const workload* find_workload(const std::string& name) {
  for (const auto& w : all_workloads())
    if (w.name == name) return &w;
  return nullptr;
}

std::string workload_names() {
  std::string names;
  for (const auto& w : all_workloads()) names += (names.empty() ? "" : ", ") + w.name;
  return names;
}

}  // namespace accel
