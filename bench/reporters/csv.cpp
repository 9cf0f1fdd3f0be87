// CSV: one header line, one row per case, a fixed column order; each
// parameter its own column ("param.<name>", sorted by name); numbers at full
// precision; empty field when not applicable.
#include <cstdio>
#include <set>

#include "format_util.hpp"
#include "reporters.hpp"

namespace accel {

namespace {

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string opt(const std::optional<double>& v) { return v ? num(*v) : ""; }

}  // namespace

void write_csv(const report& r, std::ostream& out) {
  std::set<std::string> keys;
  for (const auto& c : r.cases)
    for (const auto& [k, v] : c.params.items()) keys.insert(k);
  std::vector<std::string> cols = {"workload", "backend", "variant", "timing", "threads", "status"};
  for (const auto& k : keys) cols.push_back("param." + k);
  for (const char* c : {"samples", "iterations_per_sample", "median_ns", "median_ci95_lo_ns", "median_ci95_hi_ns",
                        "mean_ns", "stdev_ns", "min_ns", "max_ns", "p99_ns", "converged", "rounds", "round_spread",
                        "gflops", "items_per_s", "gb_per_s", "flop_per_byte", "bound", "pct_of_peak", "transfer_share", "scaling_efficiency",
                        "device_peak_bytes", "verified", "max_abs_err", "speedup", "speedup_ci95_lo",
                        "speedup_ci95_hi", "target", "verdict", "error"})
    cols.push_back(c);
  for (size_t i = 0; i < cols.size(); ++i) out << (i ? "," : "") << cols[i];
  out << "\n";
  for (const auto& c : r.cases) {
    const bool timed = !c.samples_ns.empty();
    const speedup_result* s = speedup_of(r, c);
    const bool sp = s && s->verdict != "not_measured";
    std::vector<std::string> f = {c.workload, c.backend, c.variant, c.timing, std::to_string(c.threads), c.status};
    for (const auto& k : keys) {
      if (!c.params.contains(k)) f.emplace_back();
      else f.push_back(c.params[k].is_string() ? c.params[k].get<std::string>() : c.params[k].dump());
    }
    const auto t = [&](double v) { return timed ? num(v) : std::string(); };
    f.push_back(std::to_string(c.samples_ns.size()));
    f.push_back(std::to_string(c.iterations_per_sample));
    for (double v : {c.stats.median, c.stats.median_ci95.lo, c.stats.median_ci95.hi, c.stats.mean, c.stats.stdev,
                     c.stats.min, c.stats.max, c.stats.p99})
      f.push_back(t(v));
    f.push_back(timed ? (c.converged ? "true" : "false") : "");
    f.push_back(timed ? std::to_string(c.stats.rounds) : "");
    f.push_back(t(c.stats.round_spread));
    f.push_back(t(c.gflops));
    f.push_back(t(c.items_per_s));
    f.push_back(t(c.gb_per_s));
    f.push_back(c.bytes_per_call > 0 ? num(c.flops_per_call / c.bytes_per_call) : "");
    f.push_back(c.bound);
    f.push_back(opt(c.pct_of_peak));
    f.push_back(opt(c.transfer_share));
    f.push_back(opt(c.scaling_efficiency));
    f.push_back(c.memory && c.backend == "gpu" ? std::to_string(c.memory->device_peak_bytes) : "");
    f.push_back(c.verification ? (c.verification->passed ? "true" : "false") : "");
    f.push_back(c.verification ? num(c.verification->max_abs_err) : "");
    f.push_back(sp ? num(s->value) : "");
    f.push_back(sp ? num(s->ci95.lo) : "");
    f.push_back(sp ? num(s->ci95.hi) : "");
    f.push_back(s ? num(s->target) : "");
    f.push_back(s ? s->verdict : "");
    f.push_back(c.error);
    for (size_t i = 0; i < f.size(); ++i) out << (i ? "," : "") << csv_field(f[i]);
    out << "\n";
  }
}

}  // namespace accel
