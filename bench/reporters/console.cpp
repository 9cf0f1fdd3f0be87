#include "console.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "runner.hpp"

namespace accel {

std::string format_ns(double ns) {
  char buf[32];
  if (ns < 1e3)
    std::snprintf(buf, sizeof buf, "%.1f ns", ns);
  else if (ns < 1e6)
    std::snprintf(buf, sizeof buf, "%.2f us", ns / 1e3);
  else if (ns < 1e9)
    std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.3f s", ns / 1e9);
  return buf;
}

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

const case_result* find_case(const report& r, const speedup_result& s) {
  for (const auto& c : r.cases)
    if (c.backend == "gpu" && c.workload == s.workload && c.params == s.params && c.variant == s.variant &&
        c.timing == s.timing)
      return &c;
  return nullptr;
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

void write_console(const report& r, std::ostream& out) {
  char line[256];
  std::map<std::string, int> verdicts;
  std::set<std::string> reasons;
  std::string current_workload;
  json constant;
  const double target = r.speedups.empty() ? 0 : r.speedups[0].target;
  for (const auto& cpu : r.cases) {
    if (cpu.backend != "cpu") continue;
    if (cpu.workload != current_workload) {
      current_workload = cpu.workload;
      constant = constant_params(r, cpu.workload);
      out << "\n" << cpu.workload << "  " << params_label(constant) << "\n"
          << "  speedup = CPU median / GPU median with 95 % bootstrap CI; target " << fmt("%.2fx", target) << "\n";
      std::snprintf(line, sizeof line, "  %-14s %11s %8s  %-18s %11s %8s  %-22s %s\n", "point", "cpu median", "GFLOP/s",
                    "gpu variant/timing", "gpu median", "GFLOP/s", "speedup [95% CI]", "verdict");
      out << line;
    }
    std::snprintf(line, sizeof line, "  %-14s %11s %8.1f%s\n", params_label(varying_params(cpu.params, constant)).c_str(),
                  format_ns(cpu.stats.median).c_str(), cpu.gflops, cpu.converged ? "" : "  (noisy)");
    out << line;
    for (const auto& s : r.speedups) {
      if (s.workload != cpu.workload || s.params != cpu.params) continue;
      ++verdicts[s.verdict];
      const case_result* g = find_case(r, s);
      const bool timed = g && !g->samples_ns.empty();
      const std::string sp = s.verdict == "not_measured"
                                 ? "-"
                                 : fmt("%.2fx", s.value) + " [" + fmt("%.2f", s.ci95.lo) + ", " + fmt("%.2f", s.ci95.hi) + "]";
      std::string verdict = s.verdict;
      if (s.verdict == "not_measured") reasons.insert(s.reason);
      if (timed && !g->converged) verdict += " (noisy)";
      std::snprintf(line, sizeof line, "  %-14s %11s %8s  %-18s %11s %8s  %-22s %s\n", "", "", "",
                    (s.variant + "/" + s.timing).c_str(), timed ? format_ns(g->stats.median).c_str() : "-",
                    timed ? fmt("%.1f", g->gflops).c_str() : "-", sp.c_str(), verdict.c_str());
      out << line;
    }
  }
  for (const auto& reason : reasons) out << "  not measured: " << reason << "\n";
  out << "\nsummary: " << verdicts["pass"] << " pass, " << verdicts["fail"] << " fail, " << verdicts["inconclusive"]
      << " inconclusive, " << verdicts["not_measured"] << " not measured\n";
}

}  // namespace accel
