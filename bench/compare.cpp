#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "reporters/format_util.hpp"
#include "reporters/reporters.hpp"
#include "roofline.hpp"
#include "runner.hpp"
#include "workload.hpp"
#include "stats.hpp"

namespace accel {

namespace {

// P(U <= u) under the null for n1, n2 values without ties: counts of the
// orderings, by where the largest value comes from (from a: it beats all n2).
double exact_u_cdf(size_t n1, size_t n2, size_t u) {
  // count[i][j][k]: orderings of i a's and j b's with U = k.
  std::vector<std::vector<std::vector<double>>> count(n1 + 1, std::vector<std::vector<double>>(n2 + 1));
  for (size_t i = 0; i <= n1; ++i)
    for (size_t j = 0; j <= n2; ++j) {
      auto& c = count[i][j];
      c.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        c[0] = 1;
        continue;
      }
      for (size_t k = 0; k <= i * j; ++k)
        c[k] = (k >= j && k - j < count[i - 1][j].size() ? count[i - 1][j][k - j] : 0.0) +
               (k < count[i][j - 1].size() ? count[i][j - 1][k] : 0.0);
    }
  double below = 0, all = 0;
  for (size_t k = 0; k <= n1 * n2; ++k) {
    all += count[n1][n2][k];
    if (k <= u) below += count[n1][n2][k];
  }
  return below / all;
}

constexpr size_t kExactUMax = 20;

}  // namespace

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
  if (ties == 0 && a.size() <= kExactUMax && b.size() <= kExactUMax) {
    const double mirrored = n1 * n2 - u;  // the distribution is symmetric
    const double tail = exact_u_cdf(a.size(), b.size(), size_t(std::llround(std::min(u, mirrored))));
    return std::min(1.0, 2 * tail);
  }
  const double n = n1 + n2;
  const double var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
  if (var <= 0) return 1;  // every value equal
  const double z = (std::fabs(u - n1 * n2 / 2) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
}

std::string compare_key(const report& r, const case_result& c) {
  if (c.backend != "cpu" || c.threads != r.system.cpu_threads_used || c.threads <= 0) return case_id(c);
  // A single-threaded variant (std::sort, ...) stays "/1t" whatever the machine.
  bool parallel = false;
  if (const workload* w = find_workload(c.workload))
    for (const auto& v : w->cpu_variants) parallel |= v.name == c.variant && v.parallel;
  if (!parallel) return case_id(c);
  return c.workload + "/" + params_label(c.params) + "/cpu/" + c.variant + "/cpu/all";
}

// A CPU case ran on as many threads as the report's CPU ceilings were
// measured with (peaks.cpu.threads; reports without it are taken to). A
// single-threaded std::sort is bound by one core, which a machine with more
// cores and more bandwidth in all need not make faster. GPU cases always.
bool on_probe_threads(const case_result& c, const json& peaks) {
  static const json::json_pointer threads("/cpu/threads");
  if (c.backend != "cpu" || !peaks.contains(threads) || !peaks[threads].is_number_integer()) return true;
  return peaks[threads].get<int>() == c.threads;
}

std::string cpu_side_note(const comparison& c) {
  if (c.base_cpu_side == c.cand_cpu_side) return "";
  return "the CPU side differs between the runs (base: " + c.base_cpu_side + "; candidate: " + c.cand_cpu_side +
         "): the CPU cases' ratios and the speedups measure that as well as the code";
}

std::string cache_note(const comparison& c) {
  if (c.base_cache == c.cand_cache) return "";
  return "the base ran with " + c.base_cache + " caches and the candidate with " + c.cand_cache +
         " ones (--cache): every ratio measures that as well as the code";
}

std::string hardware_label(const report& r) {
  return r.system.cpu_model + " / " + (r.system.gpus.empty() ? std::string("no GPU") : r.system.gpus[0].name);
}

comparison compare_reports(const report& base, const report& cand, const compare_options& o) {
  comparison out;
  out.base_hardware = hardware_label(base);
  out.cand_hardware = hardware_label(cand);
  out.different_hardware = out.base_hardware != out.cand_hardware;
  out.base_cpu_side = cpu_side(base.system);
  out.cand_cpu_side = cpu_side(cand.system);
  out.base_cache = cache_mode(base);
  out.cand_cache = cache_mode(cand);
  const auto build = [](const report& r) { return r.tool_name + " " + r.tool_version + " " + r.git_sha; };
  out.base_build = build(base);
  out.cand_build = build(cand);
  out.different_build = out.base_build != out.cand_build;
  // The digests decide where both reports have them: two "-dirty" builds of one
  // commit, or two built outside git, carry the same name with different code.
  const bool known = !base.sources.empty() && !cand.sources.empty();
  if (known) {
    out.code_changed = differing_sources(base.sources, cand.sources);
    for (const auto& [k, v] : base.sources)
      if (!std::binary_search(out.code_changed.begin(), out.code_changed.end(), k)) out.code_same.push_back(k);
  }
  const bool one_clean_build = !out.different_build && base.git_sha != "unknown" &&
                               base.git_sha.find("-dirty") == std::string::npos;
  const auto code_of = [&](const case_result& x) -> std::string {
    if (!known) return one_clean_build ? "same" : "";
    const auto same = [&](const std::string& k) {
      return std::binary_search(out.code_same.begin(), out.code_same.end(), k);
    };
    return same("harness") && same(x.workload + (x.backend == "gpu" ? "/gpu" : "/cpu")) ? "same" : "changed";
  };
  std::map<std::string, const case_result*> b, c;
  for (const auto& x : base.cases)
    if (!x.samples_ns.empty() && x.status == "ok") b[compare_key(base, x)] = &x;
  for (const auto& x : cand.cases)
    if (!x.samples_ns.empty() && x.status == "ok") c[compare_key(cand, x)] = &x;
  for (const auto& [id, x] : b)
    if (!c.count(id)) out.only_in_base.push_back(id);
  for (const auto& [id, x] : c)
    if (!b.count(id)) out.only_in_candidate.push_back(id);
  for (const auto& x : base.cases) {
    const std::string id = compare_key(base, x);
    if (!b.count(id) || !c.count(id) || b[id] != &x) continue;
    const case_result& y = *c[id];
    case_change ch;
    ch.id = id;
    ch.workload = x.workload;
    ch.base_median = x.stats.median;
    ch.cand_median = y.stats.median;
    const sample_set xs{x.samples_ns, x.round_sizes}, ys{y.samples_ns, y.round_sizes};
    const ratio_estimate r = bootstrap_median_ratio(ys, xs);
    ch.ratio = r.value;
    ch.ratio_ci95 = r.ci95;
    if (xs.rounds() > 1 && ys.rounds() > 1) {
      ch.p_value = mann_whitney_p(round_medians(xs), round_medians(ys));
      ch.p_over = "round medians";
    } else {
      ch.p_value = mann_whitney_p(x.samples_ns, y.samples_ns);
      ch.p_over = "samples";
    }
    const bool significant = ch.p_value < o.alpha;
    if (ch.ratio_ci95.lo >= 1 - o.noise && ch.ratio_ci95.hi <= 1 + o.noise) ch.cls = "same";
    else if (significant && ch.ratio_ci95.lo > 1 + o.noise) ch.cls = "slower";
    else if (significant && ch.ratio_ci95.hi < 1 - o.noise) ch.cls = "faster";
    else ch.cls = "ambiguous";
    ch.warn = ch.cls == "slower" && ch.ratio > 1 + o.warn;
    ch.fail = ch.cls == "slower" && ch.ratio > 1 + o.fail;
    ch.code = code_of(x);
    out.changes.push_back(ch);
    if (out.different_hardware) {
      generation_row g;
      g.id = id;
      g.workload = x.workload;
      g.backend = x.backend;
      g.bound = x.bound == y.bound ? x.bound : "";
      g.speed_ratio = ch.base_median / ch.cand_median;
      // End-to-end GPU cases are bound by PCIe as much as by the GPU, and CPU
      // cases on fewer threads than the ceilings were measured with by what
      // those threads reach: no ceiling ratio for either.
      const double cb = ceiling_of(base.system.peaks, x.backend, g.bound, cand.system.peaks),
                   cc = ceiling_of(cand.system.peaks, x.backend, g.bound, base.system.peaks);
      if (!g.bound.empty() && x.timing != "end_to_end" && cb > 0 && cc > 0 &&
          on_probe_threads(x, base.system.peaks) && on_probe_threads(y, cand.system.peaks))
        g.ceiling_ratio = cc / cb;
      g.short_of_ceiling = g.ceiling_ratio > 0 && g.speed_ratio < (1 - kCeilingShortfall) * g.ceiling_ratio;
      g.code = ch.code;
      out.generation.push_back(g);
    }
  }
  std::map<std::string, double> base_speedups;
  for (const auto& s : base.speedups)
    if (s.verdict != "not_measured") base_speedups[speedup_id(s)] = s.value;
  for (const auto& s : cand.speedups)
    if (s.verdict != "not_measured" && base_speedups.count(speedup_id(s)))
      out.speedups.push_back({speedup_id(s), base_speedups[speedup_id(s)], s.value});
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
                       {"p_value_over", ch.p_over},
                       {"class", ch.cls},
                       {"warn", ch.warn},
                       {"fail", ch.fail},
                       {"code", ch.code.empty() ? json(nullptr) : json(ch.code)}});
  json geo = json::object();
  for (const auto& [w, g] : geomeans(c)) geo[w] = std::exp(g.first / g.second);
  json generation = json::array();
  for (const auto& g : c.generation)
    generation.push_back({{"case", g.id},
                          {"bound", g.bound.empty() ? json(nullptr) : json(g.bound)},
                          {"speed_ratio", g.speed_ratio},
                          {"ceiling_ratio", g.ceiling_ratio > 0 ? json(g.ceiling_ratio) : json(nullptr)},
                          {"short_of_ceiling", g.short_of_ceiling},
                          {"code", g.code.empty() ? json(nullptr) : json(g.code)}});
  const bool known = !c.code_changed.empty() || !c.code_same.empty();
  json speedups = json::array();
  for (const auto& s : c.speedups)
    speedups.push_back({{"speedup", s.id}, {"base", s.base}, {"candidate", s.cand}, {"ratio", s.cand / s.base}});
  return {{"options", {{"alpha", o.alpha}, {"noise", o.noise}, {"warn", o.warn}, {"fail", o.fail}}},
          {"base_hardware", c.base_hardware},
          {"candidate_hardware", c.cand_hardware},
          {"different_hardware", c.different_hardware},
          {"base_cpu_side", c.base_cpu_side},
          {"candidate_cpu_side", c.cand_cpu_side},
          {"base_cache", c.base_cache},
          {"candidate_cache", c.cand_cache},
          {"base_build", c.base_build},
          {"candidate_build", c.cand_build},
          {"different_build", c.different_build},
          {"code_changed", known ? json(c.code_changed) : json(nullptr)},
          {"code_same", known ? json(c.code_same) : json(nullptr)},
          {"generation", generation},
          {"speedup_ratios", speedups},
          {"changes", changes},
          {"geomean_ratio_per_workload", geo},
          {"only_in_base", c.only_in_base},
          {"only_in_candidate", c.only_in_candidate}};
}

std::string mixed_builds_note(const comparison& c) {
  if (!c.different_hardware || !c.different_build) return "";
  const std::string builds =
      "the two reports come from different builds (base " + c.base_build + ", candidate " + c.cand_build + "): ";
  if (c.code_changed.empty() && c.code_same.empty())
    return builds +
           "every ratio mixes the code's changes with the hardware's; run one build on both machines to compare "
           "the hardware alone";
  return builds +
         "only cases whose code is the same in both (the code column: their workload's path and the harness) "
         "compare the hardware alone; the others mix the code's changes with the hardware's";
}

namespace {

// How many of the significant changes fall on code that both builds share.
std::string unchanged_code_line(const comparison& c) {
  int moved = 0, same_code = 0;
  for (const auto& ch : c.changes)
    if (ch.cls == "faster" || ch.cls == "slower") {
      ++moved;
      same_code += ch.code == "same";
    }
  return std::to_string(same_code) + " of the " + std::to_string(moved) +
         " faster or slower cases have the same code in both builds: their change is the machine's or the run's, "
         "not the code's";
}

}  // namespace

std::string code_note(const comparison& c) {
  // Nothing to say for one build whose digests agree, or without digests.
  if (c.code_changed.empty() && (c.code_same.empty() || !c.different_build)) return "";
  const auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& k : v) s += (s.empty() ? "" : ", ") + k;
    return s.empty() ? std::string("none") : s;
  };
  return "code that differs between the two builds (tool.sources): " + list(c.code_changed) +
         "; the same in both: " + list(c.code_same);
}

void write_comparison_console(const comparison& c, const compare_options& o, std::ostream& out) {
  std::map<std::string, int> n;
  // The case column as wide as its longest name: none is cut.
  int width = 4;
  for (const auto& ch : c.changes) width = std::max(width, int(ch.id.size()));
  for (const auto& g : c.generation) width = std::max(width, int(g.id.size()));
  out << "ratio = candidate median / base median (> 1: slower); noise +-" << fmt("%.0f%%", 100 * o.noise)
      << ", alpha " << o.alpha << "\n"
      << printf_string("  %-*s %11s %11s %8s %-17s %8s %s\n", width, "case", "base", "candidate", "ratio", "95% CI",
                       "p", "class");
  const bool show_code = !code_note(c).empty();
  for (const auto& ch : c.changes) {
    ++n[ch.cls];
    out << printf_string("  %-*s %11s %11s %8.3f [%.3f, %.3f] %8.2g %s%s%s\n", width, ch.id.c_str(),
                         format_ns(ch.base_median).c_str(), format_ns(ch.cand_median).c_str(), ch.ratio,
                         ch.ratio_ci95.lo, ch.ratio_ci95.hi, ch.p_value, ch.cls.c_str(),
                         ch.fail ? "  FAIL" : ch.warn ? "  WARN" : "", show_code ? ("  (code " + ch.code + ")").c_str() : "");
  }
  for (const auto& id : c.only_in_base) out << "  only in base: " << id << "\n";
  for (const auto& id : c.only_in_candidate) out << "  only in candidate: " << id << "\n";
  for (const auto& [w, g] : geomeans(c))
    out << "  geometric-mean ratio " << w << ": " << fmt("%.3f", std::exp(g.first / g.second)) << "\n";
  if (show_code) out << "\n" << code_note(c) << "\n" << unchanged_code_line(c) << "\n";
  for (const std::string& note : {cpu_side_note(c), cache_note(c)})
    if (!note.empty()) out << "NOTE: " << note << "\n";
  if (c.different_hardware) {
    out << "\nhardware: base " << c.base_hardware << "  ->  candidate " << c.cand_hardware << "\n";
    if (const std::string note = mixed_builds_note(c); !note.empty()) out << "NOTE: " << note << "\n";
    out << "speed = base median / candidate median (> 1: the candidate machine is faster); ceilings = candidate / "
           "base measured ceiling of the case's bound\n";
    out << printf_string("  %-*s %8s %9s %-8s %-7s %s\n", width, "case", "speed", "ceilings", "bound", "code", "");
    for (const auto& g : c.generation)
      out << printf_string("  %-*s %7.2fx %9s %-8s %-7s %s\n", width, g.id.c_str(), g.speed_ratio,
                           g.ceiling_ratio > 0 ? fmt("%.2fx", g.ceiling_ratio).c_str() : "-",
                           g.bound.empty() ? "-" : g.bound.c_str(), g.code.empty() ? "-" : g.code.c_str(),
                           g.short_of_ceiling ? "SHORT of what the ceilings promise" : "");
  }
  for (const auto& sp : c.speedups)
    out << "  speedup " << sp.id << ": " << fmt("%.2fx", sp.base) << " -> " << fmt("%.2fx", sp.cand) << " ("
        << fmt("%.2f", sp.cand / sp.base) << " of base)\n";
  out << "summary: " << n["faster"] << " faster, " << n["slower"] << " slower, " << n["same"] << " same, "
      << n["ambiguous"] << " ambiguous" << (c.different_hardware ? " (the reports come from different hardware)" : "")
      << "\n";
}

namespace {

// How much of a comparison's Markdown is written: every row; the changes
// without the cases classed `same`; only the changes that warn or fail (the
// hardware table whole); and also only the hardware rows short of the ceilings.
enum class md_rows { all, changed, flagged_changes, flagged };

void write_comparison_markdown_rows(const comparison& c, const compare_options& o, std::ostream& out, md_rows rows) {
  const bool show_code = !code_note(c).empty();
  std::map<std::string, int> n;
  for (const auto& ch : c.changes) ++n[ch.cls];
  out << "## accelbench compare: " << n["faster"] << " faster, " << n["slower"] << " slower, " << n["same"]
      << " same, " << n["ambiguous"] << " ambiguous\n\n";
  if (rows != md_rows::all)
    out << "_Shortened to fit in " << kCommentCharacters << " characters (a pull-request comment's limit): "
        << (rows == md_rows::changed           ? "the cases classed same are left out"
            : rows == md_rows::flagged_changes ? "the changes table lists only the cases that warn or fail"
                                               : "only the cases that warn or fail, and those short of the ceilings, "
                                                 "are listed")
        << "; `--format html` or `--format json` lists every case._\n\n";
  out << "ratio = candidate / base median; significant when p < " << o.alpha << " and the CI lies outside ±"
      << fmt("%.0f%%", 100 * o.noise) << ".\n\n| case | base | candidate | ratio [95% CI] | p | class |"
      << (show_code ? " code |" : "") << "\n|---|---:|---:|---:|---:|---|" << (show_code ? "---|" : "") << "\n";
  for (const auto& ch : c.changes) {
    if (rows == md_rows::changed ? ch.cls == "same" : rows != md_rows::all && !ch.warn && !ch.fail) continue;
    out << "| " << ch.id << " | " << format_ns(ch.base_median) << " | " << format_ns(ch.cand_median) << " | "
        << fmt("%.3f", ch.ratio) << " [" << fmt("%.3f", ch.ratio_ci95.lo) << ", " << fmt("%.3f", ch.ratio_ci95.hi)
        << "] | " << fmt("%.2g", ch.p_value) << " | " << (ch.fail ? "❌ " : ch.warn ? "⚠️ " : "") << ch.cls << " |"
        << (show_code ? " " + ch.code + " |" : "") << "\n";
  }
  for (const auto& id : c.only_in_base) out << "\nonly in base: `" << id << "`";
  for (const auto& id : c.only_in_candidate) out << "\nonly in candidate: `" << id << "`";
  out << "\n";
  if (show_code) out << "\n" << code_note(c) << ".\n" << unchanged_code_line(c) << ".\n";
  for (const std::string& note : {cpu_side_note(c), cache_note(c)})
    if (!note.empty()) out << "\n> ⚠️ Note: " << note << ".\n";
  if (c.different_hardware) {
    out << "\n### Hardware: " << c.base_hardware << " → " << c.cand_hardware << "\n\n";
    if (const std::string note = mixed_builds_note(c); !note.empty()) out << "> ⚠️ Note: " << note << ".\n\n";
    out << "speed = base / candidate median (> 1: the candidate machine is faster); ceilings = candidate / base "
           "measured ceiling of the case's bound.\n\n| case | bound | speed | ceilings | code | |\n"
           "|---|---|---:|---:|---|---|\n";
    for (const auto& g : c.generation) {
      if (rows == md_rows::flagged && !g.short_of_ceiling) continue;
      out << "| " << g.id << " | " << (g.bound.empty() ? "–" : g.bound) << " | " << fmt("%.2f", g.speed_ratio) << "x | "
          << (g.ceiling_ratio > 0 ? fmt("%.2f", g.ceiling_ratio) + "x" : "–") << " | "
          << (g.code.empty() ? "–" : g.code) << " | " << (g.short_of_ceiling ? "⚠️ short of the ceilings" : "")
          << " |\n";
    }
  }
  if (!c.speedups.empty()) {
    out << "\n| speedup | base | candidate | ratio |\n|---|---:|---:|---:|\n";
    for (const auto& sp : c.speedups)
      out << "| " << sp.id << " | " << fmt("%.2f", sp.base) << "x | " << fmt("%.2f", sp.cand) << "x | "
          << fmt("%.2f", sp.cand / sp.base) << " |\n";
  }
}

}  // namespace

void write_comparison_markdown(const comparison& c, const compare_options& o, std::ostream& out) {
  std::string text;
  for (const md_rows rows : {md_rows::all, md_rows::changed, md_rows::flagged_changes, md_rows::flagged}) {
    std::ostringstream s;
    write_comparison_markdown_rows(c, o, s, rows);
    text = s.str();
    if (utf8_characters(text) <= kCommentCharacters) break;
  }
  out << fit_to_characters(text, kCommentCharacters, "`--format html`");
}

void write_comparison_html(const comparison& c, const compare_options& o, std::ostream& out) {
  const bool show_code = !code_note(c).empty();
  std::map<std::string, int> n;
  for (const auto& ch : c.changes) ++n[ch.cls];
  out << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>accelbench compare</title>\n"
      << "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px;text-align:left}.slower{color:#b00}"
         ".faster{color:#070}</style></head><body>\n"
      << "<h1>accelbench compare</h1>\n<p>base: " << xml_escape(c.base_hardware) << "<br>candidate: "
      << xml_escape(c.cand_hardware) << "</p>\n<p>" << n["faster"] << " faster, " << n["slower"] << " slower, "
      << n["same"] << " same, " << n["ambiguous"] << " ambiguous; ratio = candidate / base median, significant when p &lt; "
      << o.alpha << " and the CI lies outside ±" << fmt("%.0f%%", 100 * o.noise) << ".</p>\n";
  // Ratio per case on a log axis from 0.25 to 4, with its CI and the +-noise band.
  std::vector<std::string> labels;
  for (const auto& ch : c.changes) labels.push_back(ch.id);
  const int row = 16, left = std::max(120, svg_label_width(labels, 10) + 10), width = 360;
  const double height = double(row) * double(c.changes.size()) + 30;
  const auto x = [&](double v) { return left + width * (std::log2(std::clamp(v, 0.25, 4.0)) + 2) / 4; };
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << left + width + 80 << "' height='" << height
      << "' font-size='10'>\n<rect x='" << x(1 - o.noise) << "' y='0' width='" << x(1 + o.noise) - x(1 - o.noise)
      << "' height='" << height - 20 << "' fill='#eee'/>\n<line x1='" << x(1) << "' x2='" << x(1)
      << "' y1='0' y2='" << height - 20 << "' stroke='#888'/>\n";
  for (double t : {0.25, 0.5, 1.0, 2.0, 4.0})
    out << "<text x='" << x(t) << "' y='" << height - 6 << "' text-anchor='middle'>" << t << "</text>\n";
  for (size_t i = 0; i < c.changes.size(); ++i) {
    const auto& ch = c.changes[i];
    const double y = double(row) * double(i) + 10;
    const char* colour = ch.cls == "slower" ? "#b00" : ch.cls == "faster" ? "#070" : "#333";
    out << "<text x='0' y='" << y + 4 << "'>" << xml_escape(ch.id) << "</text>"
        << "<line x1='" << x(ch.ratio_ci95.lo) << "' x2='" << x(ch.ratio_ci95.hi) << "' y1='" << y << "' y2='" << y
        << "' stroke='" << colour << "'/><circle cx='" << x(ch.ratio) << "' cy='" << y << "' r='3' fill='" << colour
        << "'/>\n";
  }
  out << "</svg>\n<table><tr><th>case</th><th>base</th><th>candidate</th><th>ratio [95% CI]</th><th>p</th><th>class</th>"
      << (show_code ? "<th>code</th>" : "") << "</tr>\n";
  for (const auto& ch : c.changes)
    out << "<tr class='" << ch.cls << "'><td>" << xml_escape(ch.id) << "</td><td>" << format_ns(ch.base_median)
        << "</td><td>" << format_ns(ch.cand_median) << "</td><td>" << fmt("%.3f", ch.ratio) << " ["
        << fmt("%.3f", ch.ratio_ci95.lo) << ", " << fmt("%.3f", ch.ratio_ci95.hi) << "]</td><td>"
        << fmt("%.2g", ch.p_value) << "</td><td>" << ch.cls << (ch.fail ? " (FAIL)" : ch.warn ? " (warn)" : "")
        << "</td>" << (show_code ? "<td>" + ch.code + "</td>" : "") << "</tr>\n";
  out << "</table>\n";
  for (const auto& id : c.only_in_base) out << "<p>only in base: " << xml_escape(id) << "</p>\n";
  for (const auto& id : c.only_in_candidate) out << "<p>only in candidate: " << xml_escape(id) << "</p>\n";
  if (show_code) out << "<p>" << xml_escape(code_note(c)) << ". " << xml_escape(unchanged_code_line(c)) << ".</p>\n";
  for (const std::string& note : {cpu_side_note(c), cache_note(c)})
    if (!note.empty()) out << "<p class='slower'>Note: " << xml_escape(note) << ".</p>\n";
  if (c.different_hardware) {
    out << "<h2>Hardware generations</h2>\n";
    if (const std::string note = mixed_builds_note(c); !note.empty())
      out << "<p class='slower'>Note: " << xml_escape(note) << ".</p>\n";
    out << "<table><tr><th>case</th><th>bound</th><th>speed (base/candidate)</th>"
           "<th>ceilings (candidate/base)</th><th>code</th><th></th></tr>\n";
    for (const auto& g : c.generation)
      out << "<tr><td>" << xml_escape(g.id) << "</td><td>" << g.bound << "</td><td>" << fmt("%.2fx", g.speed_ratio)
          << "</td><td>" << (g.ceiling_ratio > 0 ? fmt("%.2fx", g.ceiling_ratio) : "–") << "</td><td>"
          << (g.code.empty() ? "–" : g.code) << "</td><td>" << (g.short_of_ceiling ? "short of the ceilings" : "")
          << "</td></tr>\n";
    out << "</table>\n";
  }
  if (!c.speedups.empty()) {
    out << "<h2>Speedups</h2>\n<table><tr><th>speedup</th><th>base</th><th>candidate</th><th>ratio</th></tr>\n";
    for (const auto& sp : c.speedups)
      out << "<tr><td>" << xml_escape(sp.id) << "</td><td>" << fmt("%.2fx", sp.base) << "</td><td>"
          << fmt("%.2fx", sp.cand) << "</td><td>" << fmt("%.2f", sp.cand / sp.base) << "</td></tr>\n";
    out << "</table>\n";
  }
  out << "</body></html>\n";
}

}  // namespace accel
