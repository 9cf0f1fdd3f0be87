#include "roofline.hpp"

#include <algorithm>
#include <map>

#include "workload.hpp"

namespace accel {

double ceiling_of(const json& peaks, const std::string& backend, const std::string& bound, const json& like) {
  const char* side = backend == "cpu" ? "cpu" : "gpu";
  const auto side_of = [&](const json& p) {
    return p.is_object() && p.contains(side) && p[side].is_object() ? &p[side] : nullptr;
  };
  const json *s = side_of(peaks), *other = side_of(like);
  if (!s) return 0;
  const auto holds = [](const json* j, const char* key) { return j->contains(key) && (*j)[key].is_number(); };
  const auto figure = [&](const char* key) {
    return holds(s, key) && (!other || holds(other, key)) ? (*s)[key].get<double>() : 0;
  };
  if (bound != "memory") return figure("fma_gflops");
  // Reports before the read and update figures hold only the triad / the copy.
  return backend == "cpu" ? std::max({figure("triad_gb_per_s"), figure("read_gb_per_s"), figure("update_gb_per_s")})
                          : std::max(figure("d2d_gb_per_s"), figure("read_gb_per_s"));
}

void apply_roofline(report& r) {
  const json& p = r.system.peaks;
  for (auto& c : r.cases) {
    if (c.samples_ns.empty() || c.stats.median <= 0) continue;
    c.gb_per_s = c.bytes_per_call / c.stats.median;  // bytes per ns = GB/s
    if (c.timing == "end_to_end") {
      for (const auto& k : r.cases)
        if (k.timing == "kernel" && k.workload == c.workload && k.variant == c.variant && k.params == c.params &&
            !k.samples_ns.empty())
          c.transfer_share = std::max(0.0, (c.stats.median - k.stats.median) / c.stats.median);
      continue;
    }
    const double bw = ceiling_of(p, c.backend, "memory"), fma = ceiling_of(p, c.backend, "compute");
    if (bw <= 0 || fma <= 0 || c.bytes_per_call <= 0) continue;
    const bool memory = c.flops_per_call / c.bytes_per_call < fma / bw;
    c.bound = memory ? "memory" : "compute";
    c.pct_of_peak = 100.0 * (memory ? c.gb_per_s / bw : c.gflops / fma);
  }
}

json compute_crossovers(const report& r) {
  struct point {
    int64_t size;
    const speedup_result* s;
  };
  // Key: workload, series, variant, timing; in first-seen order.
  std::vector<std::tuple<std::string, json, std::string, std::string>> keys;
  std::map<std::string, std::vector<point>> groups;
  for (const auto& s : r.speedups) {
    const workload* w = find_workload(s.workload);
    if (!w || !s.params.contains(w->size_param) || !s.params[w->size_param].is_number_integer()) continue;
    json series = s.params;
    series.erase(w->size_param);
    const std::string key = s.workload + "|" + series.dump() + "|" + s.variant + "|" + s.timing;
    if (!groups.count(key)) keys.emplace_back(s.workload, series, s.variant, s.timing);
    groups[key].push_back({s.params[w->size_param].get<int64_t>(), &s});
  }
  json out = json::array();
  for (const auto& [workload, series, variant, timing] : keys) {
    auto& pts = groups[workload + "|" + series.dump() + "|" + variant + "|" + timing];
    std::stable_sort(pts.begin(), pts.end(), [](const point& a, const point& b) { return a.size < b.size; });
    json sizes = json::array(), values = json::array(), lows = json::array(), highs = json::array();
    json break_even = nullptr, target_size = nullptr;
    bool any = false;
    double target = 0;
    for (const auto& p : pts) {
      const bool measured = p.s->verdict != "not_measured";
      target = p.s->target;
      sizes.push_back(p.size);
      values.push_back(measured ? json(p.s->value) : json(nullptr));
      lows.push_back(measured ? json(p.s->ci95.lo) : json(nullptr));
      highs.push_back(measured ? json(p.s->ci95.hi) : json(nullptr));
      if (!measured) continue;
      any = true;
      if (break_even.is_null() && p.s->value > 1.0) break_even = p.size;
      if (target_size.is_null() && p.s->ci95.lo >= p.s->target) target_size = p.size;
    }
    out.push_back({{"workload", workload},
                   {"series", series},
                   {"size_param", find_workload(workload)->size_param},
                   {"variant", variant},
                   {"timing", timing},
                   {"target", target},
                   {"sizes", sizes},
                   {"speedups", values},
                   {"ci95_lo", lows},
                   {"ci95_hi", highs},
                   {"measured", any},
                   {"break_even_size", break_even},
                   {"target_size", target_size}});
  }
  return out;
}

}  // namespace accel
