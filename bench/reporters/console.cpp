#include "console.hpp"

#include <cmath>
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

std::string format_bytes(double b) {
  if (b < 1024) return fmt("%.0f B", b);
  if (b < 1024.0 * 1024) return fmt("%.1f KiB", b / 1024);
  if (b < 1024.0 * 1024 * 1024) return fmt("%.1f MiB", b / (1024.0 * 1024));
  return fmt("%.2f GiB", b / (1024.0 * 1024 * 1024));
}

std::string signed_ns(double ns) {
  std::string out = ns < 0 ? "-" : "";
  out += format_ns(std::fabs(ns));
  return out;
}

void write_fallback(const report& r, std::ostream& out) {
  if (r.fallback.is_object() && r.fallback.contains("entries")) {
    out << "\nCPU fallback latency (request answered by the CPU because the GPU is unusable)\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-12s %6s %-6s %12s %12s %12s %12s %12s %10s\n", "trigger", "batch", "by",
                  "first p50", "steady p50", "steady p99", "direct p50", "overhead", "same ans.");
    out << line;
    for (const auto& e : r.fallback["entries"]) {
      const auto p = [](const json& v, const char* k) {
        return v.is_object() && v.contains(k) ? format_ns(v[k].get<double>()) : std::string("-");
      };
      std::snprintf(line, sizeof line, "  %-12s %6d %-6s %12s %12s %12s %12s %12s %10s\n",
                    e["trigger"].get<std::string>().c_str(), e["batch"].get<int>(),
                    e["answered_by"].get<std::string>().c_str(), p(e["first_request_ns"], "p50").c_str(),
                    p(e["steady_ns"], "p50").c_str(), p(e["steady_ns"], "p99").c_str(),
                    p(e["direct_cpu_ns"], "p50").c_str(),
                    signed_ns(e["overhead_ns"].get<double>()).append(fmt(" (%.1f%%)", e["overhead_pct"].get<double>())).c_str(),
                    e["answer_matches_direct_cpu"].get<bool>() ? "yes" : "NO");
      out << line;
    }
  }
  if (r.cold_start.is_object()) {
    if (r.cold_start.value("measured", false)) {
      out << "\nGPU cold start: context " << format_ns(r.cold_start["context_ns"].get<double>()) << ", cuBLAS handle "
          << format_ns(r.cold_start["cublas_handle_ns"].get<double>()) << "; first launch:";
      for (const auto& [k, v] : r.cold_start["first_launch_ns"].items()) out << " " << k << " " << format_ns(v.get<double>());
      out << "\n";
    } else {
      out << "\nGPU cold start: not measured (" << r.cold_start.value("reason", std::string("?")) << ")\n";
    }
  }
  if (r.capacity.is_object() && r.capacity.value("measured", false))
    out << "MLP capacity: largest batch " << r.capacity["largest_batch"].get<int64_t>() << " within "
        << format_bytes(r.capacity["basis_bytes"].get<double>()) << " (" << r.capacity["basis"].get<std::string>() << ")"
        << (r.capacity["checked_by_allocation"].is_boolean()
                ? (r.capacity["checked_by_allocation"].get<bool>() ? ", checked by allocation" : ", allocation check FAILED")
                : ", not checked (no GPU)")
        << "\n";
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
      std::snprintf(line, sizeof line, "  %-14s %11s %8s  %-18s %11s %8s %9s  %-22s %s\n", "point", "cpu median",
                    "GFLOP/s", "gpu variant/timing", "gpu median", "GFLOP/s", "dev peak", "speedup [95% CI]", "verdict");
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
      const std::string peak = g && g->memory ? format_bytes(double(g->memory->device_peak_bytes)) : "-";
      std::snprintf(line, sizeof line, "  %-14s %11s %8s  %-18s %11s %8s %9s  %-22s %s\n", "", "", "",
                    (s.variant + "/" + s.timing).c_str(), timed ? format_ns(g->stats.median).c_str() : "-",
                    timed ? fmt("%.1f", g->gflops).c_str() : "-", peak.c_str(), sp.c_str(), verdict.c_str());
      out << line;
    }
  }
  for (const auto& reason : reasons) out << "  not measured: " << reason << "\n";
  write_fallback(r, out);
  out << "\nsummary: " << verdicts["pass"] << " pass, " << verdicts["fail"] << " fail, " << verdicts["inconclusive"]
      << " inconclusive, " << verdicts["not_measured"] << " not measured\n";
}

}  // namespace accel
