// GitHub-flavoured Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY:
// summary first, then failures, then one table per workload. Shortened, and
// says so, when it would not fit in a comment (kCommentCharacters).
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "advice.hpp"
#include "format_util.hpp"
#include "reporters.hpp"
#include "runner.hpp"

namespace accel {

namespace {

const char* symbol(const std::string& verdict) {
  if (verdict == "pass") return "✅ pass";
  if (verdict == "fail") return "❌ fail";
  if (verdict == "inconclusive") return "⚠️ inconclusive";
  return "➖ not measured";
}

// The verdict, else the case's status where it did not finish ok, then
// what makes its time less certain.
std::string verdict_cell(const case_result& c, const speedup_result* s) {
  std::vector<std::string> parts;
  if (s) parts.push_back(symbol(s->verdict));
  else if (c.status != "ok") parts.push_back(c.status);
  if (!c.samples_ns.empty() && !c.converged) parts.push_back("(noisy)");
  if (!c.throttled.empty()) parts.push_back("(throttled: " + c.throttled + ")");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

std::string cell(std::string s) {
  for (auto& c : s)
    if (c == '|' || c == '\n') c = c == '|' ? '/' : ' ';
  return s;
}

// The fallback table, cold start and capacity: what a request costs when the
// GPU is unusable, and what the first one on a GPU costs.
void write_fallback(const report& r, std::ostream& out) {
  if (r.fallback.is_object() && r.fallback.contains("entries")) {
    out << "\n### CPU fallback latency\n\n";
    if (const std::string note = fallback_cache_note(r); !note.empty()) out << "_" << note << "._\n\n";
    out << "| trigger | batch | answered by | first p50 | steady p50 | steady p99 | direct CPU p50 | overhead | "
           "same answer | after fault |\n|---|---:|---|---:|---:|---:|---:|---:|---|---|\n";
    for (const auto& e : r.fallback["entries"]) {
      const auto p = [](const json& v, const char* k) { return latency_of(v, k, "–"); };
      out << "| " << cell(e["trigger"].get<std::string>()) << " | " << e["batch"].get<int>() << " | "
          << cell(e["answered_by"].get<std::string>()) << " | " << p(e["first_request_ns"], "p50") << " | "
          << p(e["steady_ns"], "p50") << " | " << p(e["steady_ns"], "p99") << " | " << p(e["direct_cpu_ns"], "p50")
          << " | " << fallback_overhead_text(e)
          << " | " << (e["answer_matches_direct_cpu"].get<bool>() ? "yes" : "**NO**") << " | "
          << cell(fallback_after_fault(e)) << " |\n";
    }
  }
  for (const std::string& t : {cold_start_text(r.cold_start), capacity_text(r.capacity), run_time_text(r.run_time_s)})
    if (!t.empty()) out << "\n" << cell(t) << "\n";
}

// The title, the machine, what was shortened (`shortened`: "" for nothing),
// geometric means and failures.
void write_head(const report& r, std::ostream& out, const std::string& shortened) {
  std::map<std::string, int> n;
  for (const auto& s : r.speedups) ++n[s.verdict];
  const double target = r.speedups.empty() ? 0 : r.speedups[0].target;
  out << "## accelbench: " << (n["fail"] ? "❌ " : "") << n["pass"] << " pass, " << n["fail"] << " fail, "
      << n["inconclusive"] << " inconclusive, " << n["not_measured"] << " not measured (target "
      << fmt("%.2f", target) << "x)\n\n";
  out << "CPU: " << cell(r.system.cpu_model) << " (" << cpu_side(r.system) << ") · GPU: "
      << (r.system.gpus.empty() ? "none" : cell(r.system.gpus[0].name))
      << (r.system.gpu_unavailable_reason.empty() ? "" : " (" + cell(r.system.gpu_unavailable_reason) + ")")
      << " · accelbench " << r.tool_version << " (" << r.git_sha << ")"
      << (cache_mode(r) != "warm" ? " · caches " + cell(cache_text(cache_mode(r))) : "")
      << (r.interrupted ? " · **interrupted**" : "") << "\n\n";
  if (!shortened.empty())
    out << "_" << shortened << "; `accelbench report REPORT.json --format html` shows everything._\n\n";
  std::map<std::string, std::pair<double, int>> geo;
  for (const auto& s : r.speedups)
    if (s.verdict != "not_measured" && s.value > 0) {
      auto& g = geo[s.workload + " (" + s.timing + ")"];
      g.first += std::log(s.value);
      ++g.second;
    }
  if (!geo.empty()) {
    out << "| workload (timing) | geometric-mean speedup | cases |\n|---|---:|---:|\n";
    for (const auto& [k, g] : geo) out << "| " << k << " | " << fmt("%.2f", std::exp(g.first / g.second)) << "x | " << g.second << " |\n";
    out << "\n";
  }

  bool any_failure = false;
  for (const auto& c : r.cases)
    if (c.status != "ok") any_failure = true;
  for (const auto& s : r.speedups)
    if (s.verdict == "fail") any_failure = true;
  if (any_failure) {
    out << "### Failures\n\n| case | what |\n|---|---|\n";
    for (const auto& s : r.speedups)
      if (s.verdict == "fail")
        out << "| " << cell(speedup_id(s)) << " | speedup " << fmt("%.2f", s.value) << "x, CI [" << fmt("%.2f", s.ci95.lo)
            << ", " << fmt("%.2f", s.ci95.hi) << "] below target " << fmt("%.2f", s.target) << "x |\n";
    for (const auto& c : r.cases)
      if (c.status != "ok")
        out << "| " << cell(case_id(c)) << " | " << c.status << ": "
            << cell(c.status == "error" ? c.error : c.verification ? c.verification->first_mismatch : "") << " |\n";
    out << "\n";
  }
}

// One workload's table: a row per case.
void write_case_table(const report& r, const std::string& workload, std::ostream& out) {
  out << "### " << workload << "\n\n"
      << "| point | case | median | 95% CI of median | " << items_rate_heading(workload)
      << " | GFLOP/s | GB/s | roof | device peak | speedup [95% CI] | verdict |\n"
      << "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|\n";
  for (const auto& c : r.cases) {
    if (c.workload != workload) continue;
    const bool timed = !c.samples_ns.empty();
    const speedup_result* s = speedup_of(r, c);
    std::string roof = c.transfer_share ? "transfers " + fmt("%.0f%%", 100 * *c.transfer_share)
                       : c.pct_of_peak  ? c.bound + " " + fmt("%.0f%%", *c.pct_of_peak)
                                        : "";
    std::string label = c.backend + " " + c.variant + " " + (c.backend == "cpu" ? std::to_string(c.threads) + "t" : c.timing);
    out << "| " << cell(params_label(c.params)) << " | " << label << " | " << (timed ? format_ns(c.stats.median) : "–")
        << " | " << (timed ? format_ns(c.stats.median_ci95.lo) + " – " + format_ns(c.stats.median_ci95.hi) : "–") << " | "
        << (timed ? format_rate(c.items_per_s) : "–") << " | " << (timed ? fmt("%.1f", c.gflops) : "–") << " | " << (timed ? fmt("%.1f", c.gb_per_s) : "–") << " | " << roof
        << " | " << (c.backend == "gpu" && c.memory ? format_bytes(double(c.memory->device_peak_bytes)) : "–") << " | "
        << (s && s->verdict != "not_measured"
                ? fmt("%.2f", s->value) + "x [" + fmt("%.2f", s->ci95.lo) + ", " + fmt("%.2f", s->ci95.hi) + "]"
                : "")
        << " | " << verdict_cell(c, s) << " |\n";
  }
}

// Speedups never measured, the fallback, warnings and recommendations: per
// case with their numbers, or (`per_rule`) only counted per rule.
void write_tail(const report& r, std::ostream& out, bool per_rule) {
  // Variants that never ran (no GPU) appear only as speedups.
  std::map<std::string, int> reasons;
  for (const auto& s : r.speedups)
    if (s.verdict == "not_measured") ++reasons[s.reason];
  if (!reasons.empty()) out << "\n";
  for (const auto& [why, count] : reasons) out << "➖ " << count << " speedup(s) not measured: " << cell(why) << "\n";
  write_fallback(r, out);
  const auto advice_list = recommendations(r);
  if (!r.warnings.empty() || !advice_list.empty()) {
    out << "\n### Warnings and recommendations\n\n";
    for (const auto& w : r.warnings) out << "- ⚠️ " << cell(w) << "\n";
    if (!advice_list.empty()) {
      if (!r.warnings.empty()) out << "\n";
      // A rule's meaning once, then one row per case with its rules' numbers:
      // with each message in full, a GPU machine's default suite came to
      // 98 k characters, past the 65,536 a pull-request comment may hold.
      std::vector<std::string> rules, cases;
      std::map<std::string, std::string> found;  // case -> "rule: numbers; ..."
      std::map<std::string, int> count;          // rule -> cases
      for (const auto& a : advice_list) {
        if (++count[a.rule] == 1) rules.push_back(a.rule);
        std::string& row = found[a.case_id];
        if (row.empty()) cases.push_back(a.case_id);
        row += (row.empty() ? "" : "; ") + a.rule + ": " + a.figure;
      }
      if (per_rule) {
        out << "| rule | cases | means |\n|---|---:|---|\n";
        for (const auto& rule : rules)
          out << "| " << rule << " | " << count[rule] << " | " << cell(rule_meaning(rule)) << " |\n";
        return;
      }
      out << "| rule | means |\n|---|---|\n";
      for (const auto& rule : rules) out << "| " << rule << " | " << cell(rule_meaning(rule)) << " |\n";
      out << "\n| case | rules (numbers) |\n|---|---|\n";
      for (const auto& id : cases) out << "| " << cell(id) << " | " << cell(found[id]) << " |\n";
    }
  }
}

}  // namespace

void write_markdown(const report& r, std::ostream& out, size_t max_characters) {
  std::vector<std::string> workloads;
  for (const auto& c : r.cases)
    if (std::find(workloads.begin(), workloads.end(), c.workload) == workloads.end()) workloads.push_back(c.workload);
  std::vector<std::string> tables;
  for (const auto& w : workloads) {
    std::ostringstream t;
    write_case_table(r, w, t);
    tables.push_back(t.str());
  }
  const auto render = [&](const std::string& shortened, bool per_rule, size_t tables_kept) {
    std::ostringstream o;
    write_head(r, o, shortened);
    for (size_t i = 0; i < tables_kept; ++i) o << (i ? "\n" : "") << tables[i];  // a blank line ends a table
    write_tail(r, o, per_rule);
    return o.str();
  };
  std::string text = render("", false, tables.size());
  if (utf8_characters(text) > max_characters) {
    // Shortened: the recommendations counted per rule, then as many of the
    // workloads' tables, in order, as fit.
    const std::string limit = "Shortened to fit in " + std::to_string(max_characters) +
                              " characters (a pull-request comment's limit): the recommendations are counted per rule";
    text = render(limit, true, tables.size());
    for (size_t kept = tables.size(); utf8_characters(text) > max_characters && kept > 0;) {
      --kept;
      std::string left_out;
      for (size_t i = kept; i < workloads.size(); ++i) left_out += (left_out.empty() ? "" : ", ") + workloads[i];
      text = render(limit + ", and the tables of " + left_out + " are left out", true, kept);
    }
  }
  out << fit_to_characters(text, max_characters, "`accelbench report REPORT.json --format html`");
}

}  // namespace accel
