#include "validate.hpp"

#include <algorithm>
#include <map>

#include "input_file.hpp"
#include "reporters/format_util.hpp"
#include "reporters/reporters.hpp"
#include "speedup.hpp"
#include "workload.hpp"

namespace accel {

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw input_error("targets: " + path + ": " + what);
}

bool is_severity(const std::string& s) { return s == "warning" || s == "error" || s == "critical"; }

std::string opt_string(const json& j, const std::string& path, const char* key) {
  if (!j.contains(key)) return "";
  if (!j[key].is_string()) bad(path + "." + key, "expected a string");
  return j[key].get<std::string>();
}

bool bounded_below(const std::string& metric) {
  return metric == "speedup" || metric == "pct_of_peak" || metric == "variant_ratio";
}

// "params": {"batch": {"min": 4096, "max": 16384}, ...}: numeric ranges of the
// workload's integer parameters.
std::vector<param_range> parse_params(const std::string& name_of_workload, const json& j, const std::string& path) {
  if (!j.is_object() || j.empty()) bad(path, "expected an object of parameter ranges, e.g. {\"batch\": {\"min\": 4096}}");
  const workload* w = name_of_workload == "*" ? nullptr : find_workload(name_of_workload);
  std::vector<param_range> out;
  for (const auto& item : j.items()) {
    const std::string name = item.key();  // not a structured binding: clang 14's lambdas cannot capture one
    const json& range = item.value();
    const std::string rp = path + "." + name;
    if (w) {
      const auto spec = std::find_if(w->parameters.begin(), w->parameters.end(),
                                     [&](const param_spec& p) { return p.name == name; });
      if (spec == w->parameters.end() || !spec->is_int()) {
        std::string ints;
        for (const auto& p : w->parameters)
          if (p.is_int()) ints += (ints.empty() ? "" : ", ") + p.name;
        bad(rp, "not an integer parameter of " + name_of_workload + " (those are: " + ints + ")");
      }
    }
    if (!range.is_object() || range.empty()) bad(rp, "expected {\"min\": N} and/or {\"max\": N}");
    param_range r;
    r.name = name;
    for (const auto& [k, v] : range.items()) {
      if (k != "min" && k != "max") bad(rp + "." + k, "unknown key (expected min or max)");
      if (!v.is_number()) bad(rp + "." + k, "expected a number");
      (k == "min" ? r.min : r.max) = v.get<double>();
    }
    if (r.min > r.max) bad(rp, "min is above max");
    out.push_back(r);
  }
  return out;
}

target_rule parse_rule(const std::string& workload, const std::string& metric, const json& j, const std::string& path) {
  if (!j.is_object()) bad(path, "expected an object");
  target_rule t;
  t.workload = workload;
  t.metric = metric;
  const bool ratio = metric == "variant_ratio";
  const char* bound = bounded_below(metric) ? "min" : "max";
  for (const auto& item : j.items()) {
    const std::string& k = item.key();
    if (k != bound && k != "severity" && k != "when_not_measured" && k != "timing" && k != "variant" &&
        k != "backend" && k != "params" && !(ratio && k == "of"))
      bad(path + "." + k, std::string("unknown key (expected ") + bound +
                              ", severity, when_not_measured, timing, variant, backend, params" +
                              (ratio ? " or of)" : ")"));
  }
  if (!j.contains(bound)) bad(path + "." + bound, "missing");
  if (!j[bound].is_number()) bad(path + "." + bound, "expected a number");
  t.limit = j[bound].get<double>();
  if (!(t.limit >= 0) || t.limit > 1e18) bad(path + "." + bound, "expected a number in [0, 1e18]");
  if (j.contains("severity")) {
    t.severity = opt_string(j, path, "severity");
    if (!is_severity(t.severity)) bad(path + ".severity", "expected warning, error or critical");
  }
  if (j.contains("when_not_measured")) {
    if (j["when_not_measured"].is_null()) {
      t.when_not_measured.clear();
    } else {
      t.when_not_measured = opt_string(j, path, "when_not_measured");
      if (!is_severity(t.when_not_measured)) bad(path + ".when_not_measured", "expected warning, error, critical or null");
    }
  }
  t.timing = opt_string(j, path, "timing");
  if (!t.timing.empty() && t.timing != "kernel" && t.timing != "end_to_end" && t.timing != "cpu")
    bad(path + ".timing", "expected kernel, end_to_end or cpu");
  t.variant = opt_string(j, path, "variant");
  t.backend = opt_string(j, path, "backend");
  if (!t.backend.empty() && t.backend != "cpu" && t.backend != "gpu") bad(path + ".backend", "expected cpu or gpu");
  if (j.contains("params")) t.params = parse_params(workload, j["params"], path + ".params");
  if (ratio) {
    // One GPU variant against another of the same point and timing.
    if (t.variant.empty()) bad(path + ".variant", "missing (the GPU variant to set against `of`)");
    t.of = opt_string(j, path, "of");
    if (t.of.empty()) bad(path + ".of", "missing (the GPU variant to set `variant` against)");
    if (t.of == t.variant) bad(path + ".of", "the same variant as `variant`");
    if (t.backend == "cpu" || t.timing == "cpu") bad(path, "variant_ratio compares GPU variants");
  }
  return t;
}

// A misspelt workload or variant would match nothing, and an error-severity
// gate would quietly become a "nothing to check" warning: both are refused.
void check_variant(const target_rule& t, const std::string& path, const std::string& variant,
                   const std::string& key) {
  if (variant.empty()) return;
  std::vector<std::string> known;  // the variants of t's workload (of every one for "*"), each once
  const auto add = [&](const std::string& v) {
    if (std::find(known.begin(), known.end(), v) == known.end()) known.push_back(v);
  };
  for (const auto& w : all_workloads()) {
    if (t.workload != "*" && w.name != t.workload) continue;
    for (const auto& v : w.cpu_variants) add(v.name);
    for (const auto& v : w.gpu_variants) add(v);
  }
  if (std::find(known.begin(), known.end(), variant) != known.end()) return;
  std::string list;
  for (const auto& v : known) list += (list.empty() ? "" : ", ") + v;
  bad(path + "." + key, "unknown variant of " + (t.workload == "*" ? std::string("any workload") : t.workload) +
                             " (known: " + list + ")");
}

bool in_ranges(const std::vector<param_range>& ranges, const json& params) {
  for (const auto& r : ranges) {
    if (!params.is_object() || !params.contains(r.name) || !params[r.name].is_number()) return false;
    const double v = params[r.name].get<double>();
    if (v < r.min || v > r.max) return false;
  }
  return true;
}

bool matches(const target_rule& t, const std::string& workload, const std::string& variant, const std::string& timing,
             const std::string& backend, const json& params) {
  return (t.workload == "*" || t.workload == workload) && (t.variant.empty() || t.variant == variant) &&
         (t.timing.empty() || t.timing == timing) && (t.backend.empty() || t.backend == backend) &&
         in_ranges(t.params, params);
}

// "*" rules apply only to workloads without a rule of the same metric of their own.
bool applies(const target_rule& t, const std::vector<target_rule>& all, const std::string& workload) {
  if (t.workload == workload) return true;
  if (t.workload != "*") return false;
  for (const auto& o : all)
    if (o.workload == workload && o.metric == t.metric) return false;
  return true;
}

std::string limit_text(const target_rule& t) {
  if (t.metric == "speedup") return fmt("%.2fx", t.limit);
  if (t.metric == "pct_of_peak") return fmt("%.0f %%", t.limit);
  if (t.metric == "variant_ratio") return fmt("%.2f", t.limit);
  if (t.metric == "device_memory_bytes") return format_bytes(t.limit);
  return format_ns(t.limit);
}

}  // namespace

std::vector<target_rule> parse_targets(const json& j) {
  if (!j.is_object()) bad("(top level)", "expected an object with \"workloads\"");
  for (const auto& item : j.items())
    if (item.key() != "workloads" && item.key() != "comment") bad(item.key(), "unknown key (expected workloads)");
  if (!j.contains("workloads")) bad("workloads", "missing");
  const json& ws = j["workloads"];
  if (!ws.is_object() || ws.empty()) bad("workloads", "expected a non-empty object of workload names");
  std::vector<target_rule> rules;
  for (const auto& [w, metrics] : ws.items()) {
    const std::string wp = "workloads." + w;
    if (w != "*" && !find_workload(w))
      bad(wp, "unknown workload (known: " + workload_names() + ", or * for every workload)");
    if (!metrics.is_object() || metrics.empty()) bad(wp, "expected a non-empty object of metrics");
    for (const auto& [m, spec] : metrics.items()) {
      if (m != "speedup" && m != "device_memory_bytes" && m != "fallback_latency_ns" && m != "p99_ns" &&
          m != "pct_of_peak" && m != "variant_ratio")
        bad(wp + "." + m, "unknown metric (expected speedup, device_memory_bytes, fallback_latency_ns, p99_ns, "
                          "pct_of_peak or variant_ratio)");
      rules.push_back(parse_rule(w, m, spec, wp + "." + m));
      check_variant(rules.back(), wp + "." + m, rules.back().variant, "variant");
      check_variant(rules.back(), wp + "." + m, rules.back().of, "of");
    }
  }
  return rules;
}

std::vector<target_rule> load_targets(const std::string& path) {
  const json j = parse_input_json(read_input_file(path, "--targets: "), path);
  try {
    return parse_targets(j);
  } catch (const input_error& e) {
    throw input_error(path + ": " + e.what());
  }
}

std::vector<target_rule> default_targets(const report& r) {
  target_rule t;
  t.workload = std::string("*");  // assigning the literal draws a false -Wrestrict from GCC 12 at -O3
  t.metric = "speedup";
  t.limit = r.speedups.empty() ? 0 : r.speedups.front().target;
  return {t};
}

std::vector<check_result> validate_report(const report& r, const std::vector<target_rule>& rules) {
  std::vector<check_result> out;
  for (const auto& t : rules) {
    const size_t first = out.size();
    const auto add = [&](const std::string& subject, const std::string& outcome, const std::string& msg) {
      out.push_back({subject, t.metric, t.severity, outcome, msg});
    };
    // A CI against the rule's min, judged as a speedup is (speedup.hpp's verdict_for).
    const auto add_ci = [&](const std::string& subject, interval ci, const std::string& numbers) {
      const std::string v = verdict_for(ci, t.limit);
      if (v == "fail") add(subject, "violation", numbers);
      else add(subject, v, v == "inconclusive" ? numbers + " (the CI straddles the target)" : numbers);
    };
    if (t.metric == "speedup") {
      for (const auto& s : r.speedups) {
        if (!applies(t, rules, s.workload) || !matches(t, s.workload, s.variant, s.timing, "gpu", s.params)) continue;
        const std::string id = speedup_id(s);
        if (s.verdict == "not_measured") {
          if (!t.when_not_measured.empty())
            out.push_back({id, t.metric, t.when_not_measured, "not_measured", "not measured: " + s.reason});
          continue;
        }
        const std::string numbers = fmt("%.2fx", s.value) + " [" + fmt("%.2f", s.ci95.lo) + ", " + fmt("%.2f", s.ci95.hi) +
                                    "] against min " + limit_text(t);
        add_ci(id, s.ci95, numbers);
      }
    } else if (t.metric == "device_memory_bytes" || t.metric == "p99_ns") {
      for (const auto& c : r.cases) {
        if (!applies(t, rules, c.workload) || !matches(t, c.workload, c.variant, c.timing, c.backend, c.params)) continue;
        double v = 0;
        if (t.metric == "p99_ns") {
          if (c.samples_ns.empty()) continue;
          v = c.stats.p99;
        } else {
          if (c.backend != "gpu" || !c.memory) continue;
          v = double(c.memory->device_peak_bytes);
        }
        const std::string shown = t.metric == "p99_ns" ? format_ns(v) : format_bytes(v);
        add(case_id(c), v <= t.limit ? "pass" : "violation", shown + " against max " + limit_text(t));
      }
    } else if (t.metric == "pct_of_peak") {
      for (const auto& c : r.cases) {
        if (!applies(t, rules, c.workload) || !matches(t, c.workload, c.variant, c.timing, c.backend, c.params)) continue;
        if (c.status != "ok" || !c.pct_of_peak) {
          if (!t.when_not_measured.empty())
            out.push_back({case_id(c), t.metric, t.when_not_measured, "not_measured",
                           c.status != "ok" ? "not measured: " + c.status : "no ceiling for its bound"});
          continue;
        }
        add(case_id(c), *c.pct_of_peak >= t.limit ? "pass" : "violation",
            fmt("%.1f %%", *c.pct_of_peak) + " of the " + c.bound + " ceiling against min " + limit_text(t));
      }
    } else if (t.metric == "variant_ratio") {
      // The throughput of `variant` over that of `of`: of's median / variant's median, CI by bootstrap.
      for (const auto& c : r.cases) {
        if (c.backend != "gpu" || !applies(t, rules, c.workload) ||
            !matches(t, c.workload, c.variant, c.timing, c.backend, c.params))
          continue;
        const auto ref = std::find_if(r.cases.begin(), r.cases.end(), [&](const case_result& o) {
          return o.workload == c.workload && o.params == c.params && o.backend == "gpu" && o.variant == t.of &&
                 o.timing == c.timing;
        });
        const bool measured = ref != r.cases.end() && c.status == "ok" && ref->status == "ok" &&
                              !c.samples_ns.empty() && !ref->samples_ns.empty();
        if (!measured) {
          if (!t.when_not_measured.empty())
            out.push_back({case_id(c), t.metric, t.when_not_measured, "not_measured",
                           ref == r.cases.end() ? "no " + t.of + " case at this point"
                                                : "not measured: " + c.status + " against " + ref->status});
          continue;
        }
        // The same ratio of medians a speedup is, with `of` in the CPU's place.
        const speedup_result q = measure_speedup(*ref, c, t.limit);
        add_ci(case_id(c), q.ci95,
               fmt("%.2f", q.value) + " [" + fmt("%.2f", q.ci95.lo) + ", " + fmt("%.2f", q.ci95.hi) + "] of " + t.of +
                   "'s throughput against min " + limit_text(t));
      }
    } else if (t.metric == "fallback_latency_ns") {
      // The fallback section measures the MLP's network; its steady-state p99 per trigger and batch.
      if (applies(t, rules, "mlp") && r.fallback.is_object() && r.fallback.contains("entries") &&
          r.fallback["entries"].is_array())
        for (const auto& e : r.fallback["entries"]) {
          if (!e.is_object() || !e.contains("steady_ns") || !e["steady_ns"].is_object() ||
              !e["steady_ns"].contains("p99") || !e["steady_ns"]["p99"].is_number())
            continue;
          const double v = e["steady_ns"]["p99"].get<double>();
          const std::string subject = "fallback/trigger=" + e.value("trigger", std::string("?")) +
                                      " batch=" + std::to_string(e.value("batch", 0));
          add(subject, v <= t.limit ? "pass" : "violation", "steady p99 " + format_ns(v) + " against max " + limit_text(t));
        }
    }
    if (out.size() == first && !t.when_not_measured.empty())
      out.push_back({t.workload, t.metric, t.when_not_measured, "not_measured",
                     "nothing in the report to check (" + t.metric + " of workload '" + t.workload + "')"});
  }
  return out;
}

bool validation_failed(const std::vector<check_result>& checks) {
  for (const auto& c : checks)
    if ((c.outcome == "violation" || c.outcome == "not_measured") && (c.severity == "error" || c.severity == "critical"))
      return true;
  return false;
}

void write_validation(const std::vector<check_result>& checks, const std::string& format, std::ostream& out) {
  std::map<std::string, int> count;
  for (const auto& c : checks) ++count[c.outcome == "pass" || c.outcome == "inconclusive" ? c.outcome : c.severity];
  const bool failed = validation_failed(checks);
  if (format == "json") {
    json list = json::array();
    for (const auto& c : checks)
      list.push_back({{"subject", c.subject}, {"metric", c.metric}, {"severity", c.severity}, {"outcome", c.outcome},
                      {"message", c.message}});
    out << json{{"passed", !failed}, {"checks", list}}.dump(2) << "\n";
    return;
  }
  const bool md = format == "md";
  if (format != "console" && !md) throw input_error("--format: validate writes console, md or json");
  const std::string summary = std::string(failed ? "FAILED" : "passed") + ": " + std::to_string(count["pass"]) +
                              " pass, " + std::to_string(count["inconclusive"]) + " inconclusive, " +
                              std::to_string(count["critical"]) + " critical, " + std::to_string(count["error"]) +
                              " error, " + std::to_string(count["warning"]) + " warning";
  if (md) out << "## accelbench validate: " << (failed ? "❌ " : "✅ ") << summary << "\n\n| outcome | severity | metric | subject | numbers |\n|---|---|---|---|---|\n";
  else out << "validate " << summary << "\n";
  // Worst first: critical, error, warning, then inconclusive and passes.
  for (const char* sev : {"critical", "error", "warning", ""})
    for (const auto& c : checks) {
      const bool problem = c.outcome == "violation" || c.outcome == "not_measured";
      if (std::string(sev).empty() ? problem : (!problem || c.severity != sev)) continue;
      if (md)
        out << "| " << c.outcome << " | " << (problem ? c.severity : "") << " | " << c.metric << " | " << c.subject
            << " | " << c.message << " |\n";
      else
        out << "  " << (problem ? c.severity : c.outcome) << "  " << c.metric << "  " << c.subject << ": " << c.message
            << "\n";
    }
}

}  // namespace accel
