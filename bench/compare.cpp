#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include "reporters/format_util.hpp"
#include "stats.hpp"

namespace accel {

double mann_whitney_p(std::span<const double> a, std::span<const double> b) {
  const double n1 = double(a.size()), n2 = double(b.size());
  if (n1 == 0 || n2 == 0) return 1;
  std::vector<std::pair<double, int>> all;
  for (double v : a) all.push_back({v, 0});
  for (double v : b) all.push_back({v, 1});
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  // Midranks for ties; the tie term corrects the variance.
  double rank_sum_a = 0, ties = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double mid = (double(i) + double(j) + 1) / 2;  // ranks i+1..j
    const double t = double(j - i);
    ties += t * t * t - t;
    for (size_t k = i; k < j; ++k)
      if (all[k].second == 0) rank_sum_a += mid;
    i = j;
  }
  const double u = rank_sum_a - n1 * (n1 + 1) / 2;
  const double n = n1 + n2;
  const double var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
  if (var <= 0) return 1;  // every value equal
  const double z = (std::fabs(u - n1 * n2 / 2) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
}

comparison compare_reports(const report& base, const report& cand, const compare_options& o) {
  comparison out;
  const auto gpu_name = [](const report& r) { return r.system.gpus.empty() ? std::string() : r.system.gpus[0].name; };
  out.different_hardware = base.system.cpu_model != cand.system.cpu_model || gpu_name(base) != gpu_name(cand);
  std::map<std::string, const case_result*> b, c;
  for (const auto& x : base.cases)
    if (!x.samples_ns.empty() && x.status == "ok") b[case_id(x)] = &x;
  for (const auto& x : cand.cases)
    if (!x.samples_ns.empty() && x.status == "ok") c[case_id(x)] = &x;
  for (const auto& [id, x] : b)
    if (!c.count(id)) out.only_in_base.push_back(id);
  for (const auto& [id, x] : c)
    if (!b.count(id)) out.only_in_candidate.push_back(id);
  for (const auto& x : base.cases) {
    const std::string id = case_id(x);
    if (!b.count(id) || !c.count(id) || b[id] != &x) continue;
    const case_result& y = *c[id];
    case_change ch;
    ch.id = id;
    ch.workload = x.workload;
    ch.base_median = x.stats.median;
    ch.cand_median = y.stats.median;
    const ratio_estimate r = bootstrap_median_ratio(y.samples_ns, x.samples_ns);
    ch.ratio = r.value;
    ch.ratio_ci95 = r.ci95;
    ch.p_value = mann_whitney_p(x.samples_ns, y.samples_ns);
    const bool significant = ch.p_value < o.alpha;
    if (ch.ratio_ci95.lo >= 1 - o.noise && ch.ratio_ci95.hi <= 1 + o.noise) ch.cls = "same";
    else if (significant && ch.ratio_ci95.lo > 1 + o.noise) ch.cls = "slower";
    else if (significant && ch.ratio_ci95.hi < 1 - o.noise) ch.cls = "faster";
    else ch.cls = "ambiguous";
    ch.warn = ch.cls == "slower" && ch.ratio > 1 + o.warn;
    ch.fail = ch.cls == "slower" && ch.ratio > 1 + o.fail;
    out.changes.push_back(ch);
  }
  return out;
}

namespace {

std::map<std::string, std::pair<double, int>> geomeans(const comparison& c) {
  std::map<std::string, std::pair<double, int>> g;
  for (const auto& ch : c.changes)
    if (ch.ratio > 0) {
      g[ch.workload].first += std::log(ch.ratio);
      ++g[ch.workload].second;
    }
  return g;
}

}  // namespace

json comparison_json(const comparison& c, const compare_options& o) {
  json changes = json::array();
  for (const auto& ch : c.changes)
    changes.push_back({{"case", ch.id},
                       {"base_median_ns", ch.base_median},
                       {"candidate_median_ns", ch.cand_median},
                       {"ratio", ch.ratio},
                       {"ratio_ci95", {ch.ratio_ci95.lo, ch.ratio_ci95.hi}},
                       {"p_value", ch.p_value},
                       {"class", ch.cls},
                       {"warn", ch.warn},
                       {"fail", ch.fail}});
  json geo = json::object();
  for (const auto& [w, g] : geomeans(c)) geo[w] = std::exp(g.first / g.second);
  return {{"options", {{"alpha", o.alpha}, {"noise", o.noise}, {"warn", o.warn}, {"fail", o.fail}}},
          {"different_hardware", c.different_hardware},
          {"changes", changes},
          {"geomean_ratio_per_workload", geo},
          {"only_in_base", c.only_in_base},
          {"only_in_candidate", c.only_in_candidate}};
}

void write_comparison_console(const comparison& c, const compare_options& o, std::ostream& out) {
  std::map<std::string, int> n;
  char line[400];
  std::snprintf(line, sizeof line, "  %-70s %11s %11s %8s %-17s %8s %s\n", "case", "base", "candidate", "ratio",
                "95% CI", "p", "class");
  out << "ratio = candidate median / base median (> 1: slower); noise +-" << fmt("%.0f%%", 100 * o.noise)
      << ", alpha " << o.alpha << "\n"
      << line;
  for (const auto& ch : c.changes) {
    ++n[ch.cls];
    std::snprintf(line, sizeof line, "  %-70s %11s %11s %8.3f [%.3f, %.3f] %8.2g %s%s\n", ch.id.substr(0, 70).c_str(),
                  format_ns(ch.base_median).c_str(), format_ns(ch.cand_median).c_str(), ch.ratio, ch.ratio_ci95.lo,
                  ch.ratio_ci95.hi, ch.p_value, ch.cls.c_str(), ch.fail ? "  FAIL" : ch.warn ? "  WARN" : "");
    out << line;
  }
  for (const auto& id : c.only_in_base) out << "  only in base: " << id << "\n";
  for (const auto& id : c.only_in_candidate) out << "  only in candidate: " << id << "\n";
  for (const auto& [w, g] : geomeans(c))
    out << "  geometric-mean ratio " << w << ": " << fmt("%.3f", std::exp(g.first / g.second)) << "\n";
  out << "summary: " << n["faster"] << " faster, " << n["slower"] << " slower, " << n["same"] << " same, "
      << n["ambiguous"] << " ambiguous" << (c.different_hardware ? " (the reports come from different hardware)" : "")
      << "\n";
}

void write_comparison_markdown(const comparison& c, const compare_options& o, std::ostream& out) {
  std::map<std::string, int> n;
  for (const auto& ch : c.changes) ++n[ch.cls];
  out << "## accelbench compare: " << n["faster"] << " faster, " << n["slower"] << " slower, " << n["same"]
      << " same, " << n["ambiguous"] << " ambiguous\n\n"
      << "ratio = candidate / base median; significant when p < " << o.alpha << " and the CI lies outside ±"
      << fmt("%.0f%%", 100 * o.noise) << ".\n\n| case | base | candidate | ratio [95% CI] | p | class |\n|---|---:|---:|---:|---:|---|\n";
  for (const auto& ch : c.changes)
    out << "| " << ch.id << " | " << format_ns(ch.base_median) << " | " << format_ns(ch.cand_median) << " | "
        << fmt("%.3f", ch.ratio) << " [" << fmt("%.3f", ch.ratio_ci95.lo) << ", " << fmt("%.3f", ch.ratio_ci95.hi)
        << "] | " << fmt("%.2g", ch.p_value) << " | " << (ch.fail ? "❌ " : ch.warn ? "⚠️ " : "") << ch.cls << " |\n";
  for (const auto& id : c.only_in_base) out << "\nonly in base: `" << id << "`";
  for (const auto& id : c.only_in_candidate) out << "\nonly in candidate: `" << id << "`";
  out << "\n";
}

}  // namespace accel
