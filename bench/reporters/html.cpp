// One self-contained HTML file: no scripts, no network; every chart is
// inline SVG drawn here. Sections: system, speedup per case (target line,
// CI whiskers), speedup vs size, device memory per case, fallback latency
// (with the cold-start and capacity lines), warnings and recommendations,
// per-case sample distributions.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "advice.hpp"
#include "format_util.hpp"
#include "reporters.hpp"
#include "runner.hpp"
#include "stats.hpp"

namespace accel {

namespace {

std::string e(const std::string& s) { return xml_escape(s); }

// Horizontal bars on a log axis from 0.01x to 1000x, with CI whiskers and the target line.
void speedup_chart(const report& r, std::ostream& o) {
  std::vector<const speedup_result*> m;
  for (const auto& s : r.speedups)
    if (s.verdict != "not_measured") m.push_back(&s);
  if (m.empty()) {
    o << "<p>No speedup was measured";
    if (!r.speedups.empty()) o << ": " << e(r.speedups[0].reason);
    o << ".</p>\n";
    return;
  }
  std::vector<std::string> labels;
  for (const auto* s : m) labels.push_back(speedup_id(*s));
  const int row = 18, left = std::max(120, svg_label_width(labels, 11) + 8), width = 420, h = row * int(m.size()) + 30;
  const auto x = [&](double v) { return left + width * (std::log10(std::clamp(v, 0.01, 1000.0)) + 2) / 5; };
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << left + width + 120 << "' height='" << h << "'>\n";
  for (double t : {0.01, 0.1, 1.0, 10.0, 100.0, 1000.0})
    o << "<line x1='" << x(t) << "' x2='" << x(t) << "' y1='0' y2='" << h - 20 << "' stroke='#ddd'/><text x='" << x(t)
      << "' y='" << h - 5 << "' font-size='10' text-anchor='middle'>" << t << "x</text>\n";
  const double target = m[0]->target;
  o << "<line x1='" << x(target) << "' x2='" << x(target) << "' y1='0' y2='" << h - 20
    << "' stroke='#c00' stroke-dasharray='4 2'/><text x='" << x(target) + 3 << "' y='10' font-size='10' fill='#c00'>target "
    << fmt("%.2f", target) << "x</text>\n";
  for (size_t i = 0; i < m.size(); ++i) {
    const auto& s = *m[i];
    const int y = int(i) * row + 4;
    const char* colour = s.verdict == "pass" ? "#2a7" : s.verdict == "fail" ? "#d33" : "#e90";
    o << "<text x='" << left - 4 << "' y='" << y + 11 << "' font-size='11' text-anchor='end'>" << e(labels[i])
      << "</text><rect x='" << left << "' y='" << y + 2 << "' width='" << std::max(1.0, x(s.value) - left)
      << "' height='" << row - 6 << "' fill='" << colour << "'><title>" << fmt("%.3f", s.value) << "x [" << fmt("%.3f", s.ci95.lo)
      << ", " << fmt("%.3f", s.ci95.hi) << "] " << s.verdict << "</title></rect><line x1='" << x(s.ci95.lo) << "' x2='"
      << x(s.ci95.hi) << "' y1='" << y + row / 2 << "' y2='" << y + row / 2 << "' stroke='#000'/><text x='"
      << left + width + 6 << "' y='" << y + 11 << "' font-size='11'>" << fmt("%.2f", s.value) << "x</text>\n";
  }
  o << "</svg>\n";
}

// The whole decades a crossover chart's speedup axis spans: every measured
// speedup's CI, 1x and the target, within 0.001x..10000x (beyond, drawn at
// the edge), at least one decade.
std::pair<int, int> speedup_decades(const json& c, double target) {
  double lo = std::min(1.0, target), hi = std::max(1.0, target);
  for (const char* k : {"ci95_lo", "ci95_hi", "speedups"})
    for (const auto& v : c[k])
      if (v.is_number() && v.get<double>() > 0) {
        lo = std::min(lo, v.get<double>());
        hi = std::max(hi, v.get<double>());
      }
  const int d_lo = int(std::floor(std::log10(std::max(lo, 1e-3)) + 1e-9)),
            d_hi = int(std::ceil(std::log10(std::min(hi, 1e4)) - 1e-9));
  return {d_lo, std::max(d_hi, d_lo + 1)};
}

// Speedup vs size, one small log-log chart per crossover series.
void crossover_charts(const report& r, std::ostream& o) {
  if (!r.crossovers.is_array()) return;
  bool any = false;
  for (const auto& c : r.crossovers) {
    if (!c.value("measured", false)) continue;
    any = true;
    const auto& sizes = c["sizes"];
    const double lo = std::log10(std::max(1.0, sizes.front().get<double>())),
                 hi = std::log10(std::max(2.0, sizes.back().get<double>()));
    const int w = 360, h = 160, pad = 30;
    const double target = c["target"].get<double>();
    const std::pair<int, int> decades = speedup_decades(c, target);
    // Not a structured binding: clang 14's lambdas cannot capture one.
    const int d_lo = decades.first, d_hi = decades.second;
    const auto px = [&](double n) { return pad + (w - 2 * pad) * (hi > lo ? (std::log10(n) - lo) / (hi - lo) : 0.5); };
    const auto py = [&](double v) {
      const double d = std::log10(std::clamp(v, std::pow(10.0, d_lo), std::pow(10.0, d_hi)));
      return h - pad - (h - 2 * pad) * (d - d_lo) / (d_hi - d_lo);
    };
    o << "<figure><figcaption>" << e(c["workload"].get<std::string>() + " " + params_label(c["series"]) + " " +
                                     c["variant"].get<std::string>() + "/" + c["timing"].get<std::string>())
      << " — break-even " << (c["break_even_size"].is_null() ? "not reached" : c["break_even_size"].dump()) << ", target "
      << (c["target_size"].is_null() ? "not reached" : c["target_size"].dump()) << "</figcaption>\n"
      << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "'>";
    o << "<line x1='" << pad << "' x2='" << w - pad << "' y1='" << py(1) << "' y2='" << py(1) << "' stroke='#999'/>"
      << "<line x1='" << pad << "' x2='" << w - pad << "' y1='" << py(target) << "' y2='" << py(target)
      << "' stroke='#c00' stroke-dasharray='4 2'/>";
    // The speedup axis (log, whole decades): each decade and the target.
    const auto y_label = [&](double v, const std::string& text, const char* colour) {
      o << "<text x='" << pad - 3 << "' y='" << fmt("%.1f", py(v) + 3) << "' font-size='9' text-anchor='end' fill='"
        << colour << "'>" << text << "</text>";
    };
    for (int d = d_lo; d <= d_hi; ++d) y_label(std::pow(10.0, d), fmt("%gx", std::pow(10.0, d)), "#666");
    y_label(target, fmt("%.3g", target) + "x", "#c00");
    std::string path;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (c["speedups"][i].is_null()) continue;
      const double X = px(sizes[i].get<double>()), Y = py(c["speedups"][i].get<double>());
      path += (path.empty() ? "M" : " L") + fmt("%.1f", X) + " " + fmt("%.1f", Y);
      o << "<line x1='" << X << "' x2='" << X << "' y1='" << py(c["ci95_lo"][i].get<double>()) << "' y2='"
        << py(c["ci95_hi"][i].get<double>()) << "' stroke='#000'/><circle cx='" << X << "' cy='" << Y
        << "' r='3' fill='#36c'><title>" << sizes[i].dump() << ": " << fmt("%.3f", c["speedups"][i].get<double>())
        << "x</title></circle><text x='" << X << "' y='" << h - 8 << "' font-size='9' text-anchor='middle'>"
        << sizes[i].dump() << "</text>";
    }
    o << "<path d='" << path << "' fill='none' stroke='#36c'/></svg></figure>\n";
  }
  if (!any) o << "<p>No size sweep with a measured speedup.</p>\n";
}

void memory_chart(const report& r, std::ostream& o) {
  std::vector<const case_result*> g;
  double top = 0;
  for (const auto& c : r.cases)
    if (c.backend == "gpu" && c.memory && c.timing == "kernel") {
      g.push_back(&c);
      top = std::max(top, double(c.memory->device_peak_bytes));
    }
  if (g.empty() || top <= 0) {
    o << "<p>No GPU case ran.</p>\n";
    return;
  }
  std::vector<std::string> labels;
  for (const auto* c : g) labels.push_back(c->workload + "/" + params_label(c->params) + "/" + c->variant);
  const int row = 16, left = std::max(120, svg_label_width(labels, 11) + 8), width = 400;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << left + width + 100 << "' height='" << row * g.size() + 8 << "'>";
  for (size_t i = 0; i < g.size(); ++i) {
    const double b = double(g[i]->memory->device_peak_bytes);
    const int y = int(i) * row;
    o << "<text x='" << left - 4 << "' y='" << y + 12 << "' font-size='11' text-anchor='end'>" << e(labels[i])
      << "</text><rect x='" << left
      << "' y='" << y + 2 << "' width='" << std::max(1.0, width * b / top) << "' height='" << row - 4
      << "' fill='#88a'/><text x='" << left + width * b / top + 4 << "' y='" << y + 12 << "' font-size='11'>"
      << format_bytes(b) << "</text>";
  }
  o << "</svg>\n";
}

// Each case's samples as a strip of ticks on its own axis, with the median
// marked. The axis ends at Tukey's outer fences (3 IQR beyond the quartiles)
// where samples lie past them: one 20 ms stall among 100 us samples would
// otherwise squeeze every other tick into the first pixels. Samples past a
// fence are drawn at its edge in orange and counted below the strip.
void distributions(const report& r, std::ostream& o) {
  o << "<table><tr><th>case</th><th>samples (min … max)</th><th>median</th><th>n</th></tr>\n";
  for (const auto& c : r.cases) {
    if (c.samples_ns.empty()) continue;
    std::vector<double> sorted = c.samples_ns;
    std::sort(sorted.begin(), sorted.end());
    const interval outer = tukey_fences(sorted, 3.0);
    const double lo = std::max(sorted.front(), outer.lo);
    const double hi = std::max(std::min(sorted.back(), outer.hi), lo * (1 + 1e-9) + 1e-9);
    const auto px = [&](double v) { return 4 + 292 * (std::clamp(v, lo, hi) - lo) / (hi - lo); };
    size_t beyond = 0;
    for (double v : sorted) beyond += v < lo || v > hi;
    o << "<tr><td>" << e(case_id(c)) << "</td><td><svg xmlns='http://www.w3.org/2000/svg' width='300' height='16'>";
    // At most ~200 ticks, taken in sorted order so that their density follows
    // the samples' and both extremes are drawn; one path for those inside the
    // axis and one for those beyond (a <line> each made reports megabytes).
    const size_t n = sorted.size(), step = std::max<size_t>(1, n / 200);
    std::string inside, outside;
    const auto tick = [&](double v) {
      std::string& path = v < lo || v > hi ? outside : inside;
      path += 'M';
      path += fmt("%.1f", px(v));
      path += " 3V13";
    };
    for (size_t i = 0; i < n; i += step) tick(sorted[i]);
    if ((n - 1) % step) tick(sorted.back());
    o << "<path d='" << inside << "' fill='none' stroke='#36c' stroke-opacity='0.4'/>";
    if (!outside.empty()) o << "<path d='" << outside << "' fill='none' stroke='#e90'/>";
    o << "<line x1='" << px(c.stats.median) << "' x2='" << px(c.stats.median) << "' y1='0' y2='16' stroke='#c00'/></svg>"
      << "<br><small>" << format_ns(sorted.front()) << " … " << format_ns(sorted.back());
    if (beyond)
      // Fences over all the samples; the outliers rule (stats.outliers) fences
      // each round on its own, so with rounds the two counts can differ.
      o << "; axis " << format_ns(lo) << " … " << format_ns(hi) << ", " << beyond << " beyond 3 IQR at its edges"
        << (c.round_sizes.size() > 1 ? " (fences over all rounds; the outliers rule fences each round)" : "");
    o << "</small></td><td>" << format_ns(c.stats.median) << "</td><td>" << n << "</td></tr>\n";
  }
  o << "</table>\n";
}

}  // namespace

void write_html(const report& r, std::ostream& o) {
  o << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>accelbench report</title>\n"
    << "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px;text-align:left}figure{display:inline-block;margin:8px}"
       "figcaption{font-size:12px}</style></head><body>\n";
  o << "<h1>accelbench report</h1>\n<h2>System</h2>\n<table>"
    << "<tr><th>created</th><td>" << e(r.created_utc) << (r.interrupted ? " (interrupted)" : "") << "</td></tr>"
    << "<tr><th>tool</th><td>accelbench " << e(r.tool_version) << " (" << e(r.git_sha) << ")</td></tr>"
    << "<tr><th>CPU</th><td>" << e(r.system.cpu_model) << ", " << r.system.cpu_cores << " logical CPUs; used: "
    << e(cpu_side(r.system)) << "</td></tr>"
    << "<tr><th>compiler, flags</th><td>" << e(r.system.compiler) << ", " << e(r.system.flags) << "</td></tr>"
    << "<tr><th>Eigen</th><td>" << e(r.system.eigen_version) << "</td></tr>"
    << "<tr><th>GPU</th><td>";
  for (const auto& g : r.system.gpus) o << e(g.name) << " (sm_" << e(g.compute_capability) << ", " << g.sm_count << " SMs) ";
  if (!r.system.gpu_unavailable_reason.empty()) o << "none usable: " << e(r.system.gpu_unavailable_reason);
  o << "</td></tr><tr><th>caches</th><td>" << e(cache_text(cache_mode(r))) << "</td></tr>"
    << "<tr><th>ceilings</th><td>" << e(ceilings_text(r.system.peaks)) << "</td></tr>";
  if (const std::string t = run_time_text(r.run_time_s); !t.empty())
    o << "<tr><th>run time</th><td>" << e(t) << "</td></tr>";
  o << "</table>\n";
  o << "<h2>Speedup per case</h2>\n";
  speedup_chart(r, o);
  o << "<h2>Speedup vs size</h2>\n";
  crossover_charts(r, o);
  o << "<h2>Device memory per case (tracked peak)</h2>\n";
  memory_chart(r, o);
  o << "<h2>CPU fallback latency</h2>\n";
  if (r.fallback.is_object() && r.fallback.contains("entries")) {
    if (const std::string note = fallback_cache_note(r); !note.empty()) o << "<p>" << e(note) << ".</p>\n";
    o << "<table><tr><th>trigger</th><th>batch</th><th>first p50</th><th>steady p50</th><th>steady p99</th>"
         "<th>direct CPU p50</th><th>overhead</th><th>after fault</th></tr>\n";
    for (const auto& x : r.fallback["entries"]) {
      const auto p = [](const json& v, const char* k) { return latency_of(v, k, "–"); };
      o << "<tr><td>" << e(x.value("trigger", std::string("?"))) << "</td><td>" << x.value("batch", 0) << "</td><td>"
        << p(x["first_request_ns"], "p50") << "</td><td>" << p(x["steady_ns"], "p50") << "</td><td>"
        << p(x["steady_ns"], "p99") << "</td><td>" << p(x["direct_cpu_ns"], "p50") << "</td><td>"
        << e(fallback_overhead_text(x))
        << "</td><td>" << e(fallback_after_fault(x)) << "</td></tr>\n";
    }
    o << "</table>\n";
  } else {
    o << "<p>Not measured in this run.</p>\n";
  }
  for (const std::string& t : {cold_start_text(r.cold_start), capacity_text(r.capacity)})
    if (!t.empty()) o << "<p>" << e(t) << "</p>\n";
  o << "<h2>Warnings and recommendations</h2>\n";
  const auto advice_list = recommendations(r);
  if (r.warnings.empty() && advice_list.empty()) o << "<p>None.</p>\n";
  for (const auto& w : r.warnings) o << "<p>⚠ " << e(w) << "</p>\n";
  if (!advice_list.empty()) {
    o << "<table><tr><th>case</th><th>rule</th><th>recommendation</th></tr>\n";
    for (const auto& a : advice_list)
      o << "<tr><td>" << e(a.case_id) << "</td><td>" << e(a.rule) << "</td><td>" << e(a.message) << "</td></tr>\n";
    o << "</table>\n";
  }
  o << "<h2>Sample distributions</h2>\n";
  distributions(r, o);
  o << "</body></html>\n";
}

}  // namespace accel
