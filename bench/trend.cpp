#include "trend.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "compare.hpp"
#include "reporters/format_util.hpp"
#include "reporters/reporters.hpp"

namespace accel {

namespace {

// Adds value v of report i to the series `id` (whose code is `keys`), keeping first-seen order.
void put(std::vector<trend_series>& list, std::map<std::string, size_t>& index, const std::string& id, size_t i,
         size_t n, double v, std::vector<std::string> keys) {
  auto it = index.find(id);
  if (it == index.end()) {
    it = index.emplace(id, list.size()).first;
    list.push_back({id, std::vector<std::optional<double>>(n), std::move(keys), std::vector<bool>(n)});
  }
  list[it->second].values[i] = v;
}

// Marks, per series, the reports whose code for it differs from the previous report with a value.
void mark_code_changes(std::vector<trend_series>& list, const std::vector<report>& reports) {
  for (auto& s : list) {
    std::optional<size_t> prev;
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!s.values[i]) continue;
      if (prev) {
        const auto& a = reports[*prev].sources;
        const auto& b = reports[i].sources;
        if (!a.empty() && !b.empty())
          for (const auto& k : s.code_keys) {
            const auto x = a.find(k), y = b.find(k);
            if (x == a.end() || y == b.end() || x->second != y->second) s.code_changed[i] = true;
          }
      }
      prev = i;
    }
  }
}

// Value relative to the series' first present value: "1.00", "0.83", "-"; a '!'
// where the series' code changed since the report before (the sparklines use '*').
std::string relative(const trend_series& s, size_t i) {
  const auto first = std::find_if(s.values.begin(), s.values.end(), [](const auto& v) { return v.has_value(); });
  if (first == s.values.end() || !s.values[i]) return "-";
  return fmt("%.2f", *s.values[i] / **first) + (s.code_changed[i] ? "!" : "");
}

// How far the series moved from its first present value at most, as a
// factor either way (|log| of the ratio); 0 for a series with one value.
double largest_change(const trend_series& s) {
  const auto first = std::find_if(s.values.begin(), s.values.end(), [](const auto& v) { return v.has_value(); });
  double most = 0;
  if (first == s.values.end() || **first <= 0) return most;
  for (const auto& v : s.values)
    if (v && *v > 0) most = std::max(most, std::abs(std::log(*v / **first)));
  return most;
}

constexpr const char* kCodeLegend =
    "! the case's code (its workload's path or the harness, tool.sources) differs from the report before";

// One character per report on a 0..7 scale between the series' min and max.
std::string sparkline(const trend_series& s) {
  static const char levels[] = "_.-~=*#@";
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& v : s.values)
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
  std::string out;
  for (const auto& v : s.values) {
    if (!v) {
      out += ' ';
      continue;
    }
    const int k = hi > lo ? int(std::lround(7 * (*v - lo) / (hi - lo))) : 3;
    out += levels[std::clamp(k, 0, 7)];
  }
  return out;
}

void svg_lines(const std::vector<trend_series>& list, size_t n, const char* none, std::ostream& out) {
  if (list.empty()) {
    out << "<p>" << none << "</p>\n";
    return;
  }
  // Log axis of each value over the series' first: every line starts at 1.
  const int w = 640, h = 240, pad = 40;
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w + 2 * pad << "' height='" << h + 2 * pad
      << "' font-size='10'><line x1='" << pad << "' x2='" << pad + w << "' y1='" << pad + h / 2 << "' y2='"
      << pad + h / 2 << "' stroke='#888'/><text x='2' y='" << pad + h / 2 + 3 << "'>1x</text><text x='2' y='" << pad
      << "'>4x</text><text x='2' y='" << pad + h << "'>0.25x</text>\n";
  for (size_t i = 0; i < n; ++i)  // the reports along the x axis, as the list above numbers them
    out << "<text x='" << fmt("%.1f", pad + (n > 1 ? double(w) * double(i) / double(n - 1) : 0.0)) << "' y='"
        << pad + h + 16 << "' text-anchor='middle'>R" << i + 1 << "</text>";
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  for (size_t k = 0; k < list.size(); ++k) {
    std::string points;
    std::optional<double> first;
    for (size_t i = 0; i < n; ++i) {
      if (!list[k].values[i]) continue;
      if (!first) first = list[k].values[i];
      const double r = std::clamp(std::log2(*list[k].values[i] / *first), -2.0, 2.0);
      const double x = pad + (n > 1 ? double(w) * double(i) / double(n - 1) : 0.0);
      const double y = pad + h / 2.0 - r * h / 4.0;
      points += fmt("%.1f", x) + "," + fmt("%.1f", y) + " ";
    }
    out << "<polyline fill='none' stroke='" << colours[k % 8] << "' points='" << points << "'><title>"
        << xml_escape(list[k].id) << "</title></polyline>\n";
  }
  out << "</svg>\n";
}

bool any_code_change(const trend& t) {
  for (const auto* list : {&t.medians_ns, &t.speedups})
    for (const auto& s : *list)
      if (std::find(s.code_changed.begin(), s.code_changed.end(), true) != s.code_changed.end()) return true;
  return false;
}

}  // namespace

trend build_trend(const std::vector<report>& reports, const std::vector<std::string>& names) {
  trend t;
  std::map<std::string, size_t> mi, si;
  const size_t n = reports.size();
  for (size_t i = 0; i < n; ++i) {
    const report& r = reports[i];
    t.labels.push_back(names[i] + " (" + r.created_utc + ", " + hardware_label(r) + ", CPU side " +
                       cpu_side(r.system) + (cache_mode(r) == "warm" ? "" : ", caches " + cache_mode(r)) + ")");
    for (const auto& c : r.cases)
      if (c.status == "ok" && !c.samples_ns.empty())
        put(t.medians_ns, mi, compare_key(r, c), i, n, c.stats.median,
            {"harness", c.workload + (c.backend == "gpu" ? "/gpu" : "/cpu")});
    for (const auto& s : r.speedups)
      if (s.verdict != "not_measured")
        put(t.speedups, si, speedup_id(s), i, n, s.value, {"harness", s.workload + "/cpu", s.workload + "/gpu"});
  }
  mark_code_changes(t.medians_ns, reports);
  mark_code_changes(t.speedups, reports);
  return t;
}

namespace {

// The console and Markdown tables; `speedups_first`: the speedup table
// before the (longer) time table, for a Markdown text that must be cut.
void write_trend_text(const trend& t, bool md, bool speedups_first, std::ostream& out) {
  const size_t n = t.labels.size();
  out << (md ? "## accelbench trend over " : "trend over ") << n << " reports (values relative to the first)\n\n";
  for (size_t i = 0; i < n; ++i) out << (md ? "- " : "  ") << "R" << i + 1 << ": " << t.labels[i] << "\n";
  const auto table = [&](const std::string& title, const std::vector<trend_series>& list, bool is_time) {
    if (list.empty()) return;
    out << "\n" << (md ? "### " : "") << title << "\n\n";
    if (md) {
      out << "| " << (is_time ? "case" : "speedup");
      for (size_t i = 0; i < n; ++i) out << " | R" << i + 1;
      out << " | last |\n|---";
      for (size_t i = 0; i <= n; ++i) out << "|---:";
      out << "|\n";
    }
    for (const auto& s : list) {
      const auto last = std::find_if(s.values.rbegin(), s.values.rend(), [](const auto& v) { return v.has_value(); });
      const std::string shown = last == s.values.rend() ? "-" : is_time ? format_ns(**last) : fmt("%.2fx", **last);
      if (md) {
        out << "| " << s.id;
        for (size_t i = 0; i < n; ++i) out << " | " << relative(s, i);
        out << " | " << shown << " |\n";
      } else {
        std::string cols;
        for (size_t i = 0; i < n; ++i) {
          cols += ' ';
          cols += relative(s, i);
        }
        out << "  [" << sparkline(s) << "] " << s.id << ":" << cols << "  (last " << shown << ")\n";
      }
    }
  };
  // A text that will be cut keeps the rows that moved most: largest change first.
  const auto ordered = [&](const std::vector<trend_series>& list) {
    if (!speedups_first) return list;
    std::vector<trend_series> sorted = list;
    std::stable_sort(sorted.begin(), sorted.end(), [](const trend_series& a, const trend_series& b) {
      return largest_change(a) > largest_change(b);
    });
    return sorted;
  };
  const char* order = speedups_first ? "; largest change first" : "";
  const auto times = [&] {
    table(std::string(md ? "Median time per case (ratio to the first report; > 1 slower"
                         : "median time per case (ratio to the first report; > 1 slower; [sparkline] low to high") +
              order + ")",
          ordered(t.medians_ns), true);
  };
  const auto speedups = [&] {
    table(std::string(md ? "Speedup (ratio to the first report; > 1 better"
                         : "speedup (ratio to the first report; > 1 better") +
              order + ")",
          ordered(t.speedups), false);
  };
  if (speedups_first) {
    speedups();
    times();
  } else {
    times();
    speedups();
  }
  if (any_code_change(t)) out << "\n" << kCodeLegend << "\n";
}

}  // namespace

void write_trend(const trend& t, const std::string& format, std::ostream& out) {
  const size_t n = t.labels.size();
  if (format == "json") {
    const auto series = [](const std::vector<trend_series>& list) {
      json a = json::array();
      for (const auto& s : list) {
        json v = json::array(), changed = json::array();
        for (const auto& x : s.values) v.push_back(x ? json(*x) : json(nullptr));
        for (size_t i = 0; i < s.code_changed.size(); ++i)
          if (s.code_changed[i]) changed.push_back(i);
        a.push_back({{"id", s.id}, {"values", v}, {"code_changed_at", changed}});
      }
      return a;
    };
    out << json{{"reports", t.labels}, {"median_ns", series(t.medians_ns)}, {"speedups", series(t.speedups)}}.dump(2)
        << "\n";
    return;
  }
  if (format == "console") return write_trend_text(t, false, false, out);
  if (format == "md") {
    // A pull-request comment holds kCommentCharacters: past them the speedups
    // come first and the time table is cut at a row's end.
    std::ostringstream full;
    write_trend_text(t, true, false, full);
    if (utf8_characters(full.str()) <= kCommentCharacters) {
      out << full.str();
      return;
    }
    std::ostringstream reordered;
    write_trend_text(t, true, true, reordered);
    out << fit_to_characters(reordered.str(), kCommentCharacters, "`--format html` or `--format json`");
    return;
  }
  if (format != "html") throw input_error("--format: compare --trend writes console, md, json or html");
  out << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>accelbench trend</title>"
      << "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px}</style></head><body>\n<h1>accelbench trend</h1>\n<ul style='list-style:none;padding-left:0'>";
  for (size_t i = 0; i < t.labels.size(); ++i) out << "<li>R" << i + 1 << ": " << xml_escape(t.labels[i]) << "</li>";
  out << "</ul>\n<h2>Speedups over the reports (relative to the first)</h2>\n";
  svg_lines(t.speedups, n, "No speedup was measured in these reports.", out);
  out << "<h2>Median time per case over the reports (relative to the first)</h2>\n";
  svg_lines(t.medians_ns, n, "No case was timed in these reports.", out);
  out << "<table><tr><th>case</th>";
  for (size_t i = 0; i < n; ++i) out << "<th>R" << i + 1 << "</th>";
  out << "</tr>\n";
  for (const auto& s : t.medians_ns) {
    out << "<tr><td>" << xml_escape(s.id) << "</td>";
    for (size_t i = 0; i < n; ++i) out << "<td>" << relative(s, i) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
  if (any_code_change(t)) out << "<p>" << xml_escape(kCodeLegend) << "</p>\n";
  out << "</body></html>\n";
}

}  // namespace accel
