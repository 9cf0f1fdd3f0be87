// Google Benchmark's JSON, so google/benchmark's tools/compare.py and
// github-action-benchmark's "googlecpp" input read it unchanged: per case its
// samples as at most kMaxRepetitions "iteration" rows, then mean / median /
// stddev "aggregate" rows (of all the samples).
//
// A repetition in Google Benchmark is a run of many iterations reported as
// their mean time; here each holds a contiguous run of samples. One row per
// sample made the H100 default-suite report's file 104 MB.
// Names: "<workload>/<params>/<backend>/<variant>/<timing>[/<n>t]".
// And "bench-speedup": github-action-benchmark's customBiggerIsBetter array.
#include <algorithm>
#include <cmath>

#include "format_util.hpp"
#include "reporters.hpp"

namespace accel {

namespace {
constexpr size_t kMaxRepetitions = 50;
}  // namespace

void write_gbench(const report& r, std::ostream& out) {
  json benchmarks = json::array();
  int family = 0;
  for (const auto& c : r.cases) {
    if (c.samples_ns.empty()) continue;
    const std::string name = case_id(c);
    const size_t count = c.samples_ns.size();
    const int reps = int(std::min(count, kMaxRepetitions));
    const auto row = [&](const std::string& n, double t, const char* type, const char* agg, int index,
                         int64_t iterations) {
      json j = {{"name", n},
                {"family_index", family},
                {"per_family_instance_index", 0},
                {"run_name", name},
                {"run_type", type},
                {"repetitions", reps},
                {"repetition_index", index},
                {"threads", 1},
                {"iterations", iterations},
                {"real_time", t},
                {"cpu_time", t},
                {"time_unit", "ns"}};
      if (agg) {
        j.erase("repetition_index");
        j["aggregate_name"] = agg;
        j["aggregate_unit"] = "time";
      }
      if (c.items_per_call > 0 && t > 0) j["items_per_second"] = c.items_per_call / (t * 1e-9);
      return j;
    };
    for (int i = 0; i < reps; ++i) {  // samples [begin, end): sizes differ by at most one
      const size_t begin = count * size_t(i) / size_t(reps), end = count * size_t(i + 1) / size_t(reps);
      double sum = 0;
      for (size_t k = begin; k < end; ++k) sum += c.samples_ns[k];
      benchmarks.push_back(row(name, sum / double(end - begin), "iteration", nullptr, i,
                               int64_t(end - begin) * c.iterations_per_sample));
    }
    const int64_t all = int64_t(count) * c.iterations_per_sample;
    benchmarks.push_back(row(name + "_mean", c.stats.mean, "aggregate", "mean", 0, all));
    benchmarks.push_back(row(name + "_median", c.stats.median, "aggregate", "median", 0, all));
    benchmarks.push_back(row(name + "_stddev", c.stats.stdev, "aggregate", "stddev", 0, all));
    ++family;
  }
  const json context = {{"date", r.created_utc},
                        {"host_name", r.system.cpu_model},
                        {"executable", "accelbench " + r.tool_version + " (" + r.git_sha + ")"},
                        {"num_cpus", r.system.cpu_cores},
                        {"mhz_per_cpu", 0},
                        {"cpu_scaling_enabled", false},
                        {"caches", json::array()},
                        {"load_avg", json::array()},
                        {"library_build_type", "release"},
                        {"accelbench_gpu", r.system.gpus.empty() ? json(nullptr) : json(r.system.gpus[0].name)},
                        {"accelbench_cache", cache_mode(r)}};
  out << json{{"context", context}, {"benchmarks", benchmarks}}.dump(2) << "\n";
}

void write_bench_speedup(const report& r, std::ostream& out) {
  json a = json::array();
  for (const auto& s : r.speedups) {
    if (s.verdict == "not_measured") continue;
    a.push_back({{"name", speedup_id(s)},
                 {"unit", "x"},
                 {"value", s.value},
                 {"range", "95% CI " + fmt("%.3f", s.ci95.lo) + ".." + fmt("%.3f", s.ci95.hi)},
                 {"extra", s.verdict + " against target " + fmt("%.2f", s.target) + "x"}});
  }
  out << a.dump(2) << "\n";
}

}  // namespace accel
