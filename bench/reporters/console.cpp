#include "console.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "advice.hpp"
#include "format_util.hpp"
#include "runner.hpp"

namespace accel {

namespace {

void write_fallback(const report& r, std::ostream& out) {
  if (r.fallback.is_object() && r.fallback.contains("entries")) {
    out << "\nCPU fallback latency (request answered by the CPU because the GPU is unusable)\n";
    if (const std::string note = fallback_cache_note(r); !note.empty()) out << "  " << note << "\n";
    out << printf_string("  %-12s %6s %-6s %12s %12s %12s %12s %40s %10s  %s\n", "trigger", "batch", "by", "first p50",
                         "steady p50", "steady p99", "direct p50", "overhead [95% CI]", "same ans.", "after fault");
    for (const auto& e : r.fallback["entries"]) {
      const auto p = [](const json& v, const char* k) { return latency_of(v, k, "-"); };
      out << printf_string("  %-12s %6d %-6s %12s %12s %12s %12s %40s %10s  %s\n", e["trigger"].get<std::string>().c_str(),
                           e["batch"].get<int>(), e["answered_by"].get<std::string>().c_str(),
                           p(e["first_request_ns"], "p50").c_str(), p(e["steady_ns"], "p50").c_str(),
                           p(e["steady_ns"], "p99").c_str(), p(e["direct_cpu_ns"], "p50").c_str(),
                           fallback_overhead_text(e).c_str(),
                           e["answer_matches_direct_cpu"].get<bool>() ? "yes" : "NO", fallback_after_fault(e).c_str());
    }
  }
  if (const std::string t = cold_start_text(r.cold_start); !t.empty()) out << "\n" << t << "\n";
  if (const std::string t = capacity_text(r.capacity); !t.empty()) out << t << "\n";
}

// The params that differ between a workload's points label its rows; the
// ones all points share go into the workload's heading.
json constant_params(const report& r, const std::string& workload) {
  json common;
  bool first = true;
  for (const auto& c : r.cases) {
    if (c.workload != workload || c.backend != "cpu") continue;
    if (first) {
      common = c.params;
      first = false;
      continue;
    }
    json keep = json::object();
    for (const auto& [k, v] : common.items())
      if (c.params.contains(k) && c.params[k] == v) keep[k] = v;
    common = keep;
  }
  if (first) common = json::object();
  return common;
}

json varying_params(const json& params, const json& constant) {
  json out = json::object();
  for (const auto& [k, v] : params.items())
    if (!constant.contains(k)) out[k] = v;
  return out;
}

}  // namespace

namespace {

// A workload's table; the first column (%-*s) as wide as its longest point.
const char* kHeader = "  %-*s %-24s %10s %13s %9s %8s %-12s %-9s  %-22s %s\n";

// A table row without the padding of its empty last columns (CPU rows have no speedup).
std::string trim_row(std::string row) {
  const size_t end = row.find_last_not_of(" \n");
  row.erase(end == std::string::npos ? 0 : end + 1);
  return row + "\n";
}

std::string case_label(const case_result& c) {
  if (c.backend == "cpu") return "cpu " + c.variant + " " + std::to_string(c.threads) + "t";
  return "gpu " + c.variant + " " + (c.timing == "kernel" ? "kernel" : "e2e");
}

// "memory 61%" / "compute 12%" / "xfer 83%" for end-to-end cases.
std::string roof_label(const case_result& c) {
  if (c.transfer_share) return fmt("xfer %.0f%%", 100 * *c.transfer_share);
  if (c.bound.empty() || !c.pct_of_peak) return "-";
  return (c.bound == "memory" ? "mem " : "fma ") + fmt("%.0f%%", *c.pct_of_peak);
}

// Column of a speedup on a log axis from 0.01x to 1000x.
int log_column(double v, int width) {
  const double t = (std::log10(std::max(v, 0.01)) + 2.0) / 5.0;
  return std::clamp(int(t * width), 0, width - 1);
}

// One bar per measured speedup against the target line, with its CI.
void write_bars(const report& r, std::ostream& out) {
  constexpr int kWidth = 40;
  int label_width = 0;  // the longest name, so that none is cut
  for (const auto& s : r.speedups)
    if (s.verdict != "not_measured") label_width = std::max(label_width, int(speedup_id(s).size()));
  bool heading = false;
  for (const auto& s : r.speedups) {
    if (s.verdict == "not_measured") continue;
    if (!heading) {
      out << "\nspeedup per case (log scale 0.01x..1000x; '|' target, ':' 1x, '<' '>' the 95% CI)\n";
      heading = true;
    }
    std::string bar(kWidth, ' ');
    for (int c = 0; c <= log_column(s.value, kWidth); ++c) bar[size_t(c)] = '#';
    const auto mark = [&](double v, char ch) {
      char& b = bar[size_t(log_column(v, kWidth))];
      if (b == ' ' || ch == '|') b = ch;
    };
    mark(1.0, ':');
    mark(s.ci95.lo, '<');
    mark(s.ci95.hi, '>');
    mark(s.target, '|');
    out << printf_string("  %-*s %s %8s  %s\n", label_width, speedup_id(s).c_str(), bar.c_str(),
                         fmt("%.2fx", s.value).c_str(), s.verdict.c_str());
  }
}

void write_advice(const report& r, std::ostream& out) {
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  const auto list = recommendations(r);
  if (list.empty()) return;
  out << "\nrecommendations\n";
  for (const auto& a : list) out << "  " << a.case_id << ": " << a.message << "\n";
}

void write_chart(const report& r, std::ostream& out) {
  if (!r.crossovers.is_array()) return;
  bool heading = false;
  for (const auto& x : r.crossovers) {
    if (!x.value("measured", false)) continue;
    if (!heading) {
      out << "\nspeedup vs size (log scale; '|' marks the target, ':' marks 1x)\n";
      heading = true;
    }
    const double target = x["target"].get<double>();
    out << "  " << x["workload"].get<std::string>() << " " << params_label(x["series"]) << " "
        << x["variant"].get<std::string>() << "/" << x["timing"].get<std::string>() << "  break-even: "
        << (x["break_even_size"].is_null() ? "not reached in the sweep" : x["break_even_size"].dump())
        << ", target: " << (x["target_size"].is_null() ? "not reached in the sweep" : x["target_size"].dump()) << "\n";
    constexpr int kWidth = 50;
    const auto col = [](double v) { return log_column(v, kWidth); };
    for (size_t i = 0; i < x["sizes"].size(); ++i) {
      std::string bar(kWidth, ' ');
      bar[size_t(col(1.0))] = ':';
      bar[size_t(col(target))] = '|';
      std::string value = "-";
      if (!x["speedups"][i].is_null()) {
        const double v = x["speedups"][i].get<double>();
        for (int c = 0; c <= col(v); ++c)
          if (bar[size_t(c)] == ' ') bar[size_t(c)] = '#';
        value = fmt("%.2fx", v);
      }
      out << printf_string("    %-6s %12s %s %s\n", x["size_param"].get<std::string>().c_str(),
                           x["sizes"][i].dump().c_str(), bar.c_str(), value.c_str());
    }
  }
}

void write_peaks(const report& r, std::ostream& out) {
  if (!r.system.peaks.is_object()) return;
  out << "ceilings: " << ceilings_text(r.system.peaks) << "  (roof column: share of the ceiling of the case's bound)\n";
}

}  // namespace

void write_console(const report& r, std::ostream& out) {
  std::map<std::string, int> verdicts;
  std::set<std::string> reasons;
  std::string current_workload;
  json constant;
  // With no speedup entries (a run interrupted before its first case), the configured target.
  const json* configured = r.config.contains("target") ? &r.config["target"] : nullptr;
  const double target = !r.speedups.empty()                      ? r.speedups[0].target
                        : configured && configured->is_number() ? configured->get<double>()
                                                                 : 0;
  if (cache_mode(r) != "warm") out << "caches: " << cache_text(cache_mode(r)) << "\n";
  write_peaks(r, out);
  json last_params;
  int point_width = 0;
  for (const auto& c : r.cases) {
    if (c.workload != current_workload) {
      current_workload = c.workload;
      constant = constant_params(r, c.workload);
      const std::string shared = params_label(constant);
      out << "\n" << c.workload << (shared.empty() ? "" : "  " + shared) << "\n";
      point_width = 30;
      for (const auto& other : r.cases)
        if (other.workload == c.workload)
          point_width = std::max(point_width, int(params_label(varying_params(other.params, constant)).size()));
      out << printf_string(kHeader, point_width, "point", "case", "median", items_rate_heading(c.workload).c_str(),
                           "GFLOP/s", "GB/s", "roof", "extra", "speedup [95% CI]", "verdict");
      last_params = nullptr;
    }
    const std::string point = c.params == last_params ? "" : params_label(varying_params(c.params, constant));
    last_params = c.params;
    const bool timed = !c.samples_ns.empty();
    std::string extra = "-";
    if (c.backend == "cpu" && c.scaling_efficiency) extra = fmt("eff %.2f", *c.scaling_efficiency);
    if (c.backend == "gpu" && c.memory) extra = format_bytes(double(c.memory->device_peak_bytes));
    std::string sp, verdict;
    if (c.backend == "gpu") {
      for (const auto& s : r.speedups) {
        if (s.workload != c.workload || s.params != c.params || s.variant != c.variant || s.timing != c.timing) continue;
        ++verdicts[s.verdict];
        if (s.verdict != "not_measured")
          sp = fmt("%.2fx", s.value) + " [" + fmt("%.2f", s.ci95.lo) + ", " + fmt("%.2f", s.ci95.hi) + "]";
        else
          reasons.insert(s.reason);
        verdict = s.verdict;
      }
    }
    if (c.status == "verify_failed") verdict = "VERIFY FAILED " + verdict;
    if (c.status == "error") verdict = "error: " + c.error.substr(0, 60);
    if (timed && !c.converged) verdict += " (noisy)";
    if (!c.throttled.empty()) verdict += " (throttled: " + c.throttled + ")";
    out << trim_row(printf_string(kHeader, point_width, point.c_str(), case_label(c).c_str(),
                                  timed ? format_ns(c.stats.median).c_str() : "-",
                                  timed ? format_rate(c.items_per_s).c_str() : "-",
                                  timed ? fmt("%.1f", c.gflops).c_str() : "-",
                                  timed ? fmt("%.1f", c.gb_per_s).c_str() : "-", roof_label(c).c_str(), extra.c_str(),
                                  sp.c_str(), verdict.c_str()));
  }
  // Speedups of GPU variants that never ran (no GPU) have no case rows: count them here.
  for (const auto& s : r.speedups) {
    bool has_case = false;
    for (const auto& c : r.cases)
      has_case |= c.backend == "gpu" && c.workload == s.workload && c.params == s.params && c.variant == s.variant &&
                  c.timing == s.timing;
    if (has_case) continue;
    ++verdicts[s.verdict];
    if (s.verdict == "not_measured") reasons.insert(s.reason);
  }
  // Below the tables, not inside the last one: the reasons hold for every workload's speedups.
  if (!reasons.empty()) out << "\n";
  for (const auto& reason : reasons) out << "speedups not measured: " << reason << "\n";
  write_bars(r, out);
  write_chart(r, out);
  write_fallback(r, out);
  write_advice(r, out);
  out << "\nsummary: " << verdicts["pass"] << " pass, " << verdicts["fail"] << " fail, " << verdicts["inconclusive"]
      << " inconclusive, " << verdicts["not_measured"] << " not measured (target " << fmt("%.2fx", target) << ")\n";
  // Geometric-mean speedup per workload and timing, over measured cases.
  std::map<std::string, std::pair<double, int>> geo;
  for (const auto& s : r.speedups)
    if (s.verdict != "not_measured" && s.value > 0) {
      auto& g = geo[s.workload + " " + s.timing];
      g.first += std::log(s.value);
      ++g.second;
    }
  for (const auto& [k, g] : geo)
    out << "  geometric-mean speedup " << k << ": " << fmt("%.2fx", std::exp(g.first / g.second)) << " over "
        << g.second << " case(s)\n";
  if (const std::string t = run_time_text(r.run_time_s); !t.empty()) out << t << "\n";
}

}  // namespace accel
