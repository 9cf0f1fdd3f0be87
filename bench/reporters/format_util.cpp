#include "format_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <vector>

#include "roofline.hpp"
#include "runner.hpp"
#include "workload.hpp"

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

std::string signed_ns(double ns) {
  std::string out = ns < 0 ? "-" : "";
  out += format_ns(std::fabs(ns));
  return out;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string printf_string(const char* f, ...) {
  va_list args, again;
  va_start(args, f);
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, f, args);
  va_end(args);
  std::string out(size_t(std::max(n, 0)), '\0');
  std::vsnprintf(out.data(), out.size() + 1, f, again);
  va_end(again);
  return out;
}

std::string format_bytes(double b) {
  if (b < 1024) return fmt("%.0f B", b);
  if (b < 1024.0 * 1024) return fmt("%.1f KiB", b / 1024);
  if (b < 1024.0 * 1024 * 1024) return fmt("%.1f MiB", b / (1024.0 * 1024));
  return fmt("%.2f GiB", b / (1024.0 * 1024 * 1024));
}

std::string format_rate(double v) {
  const char* prefix[] = {"", " k", " M", " G", " T"};
  int i = 0;
  while (std::fabs(v) >= 999.5 && i < 4) {
    v /= 1000;
    ++i;
  }
  return fmt("%.3g", v) + prefix[i];
}

std::string items_rate_heading(const std::string& workload) {
  const accel::workload* w = find_workload(workload);
  return (w && !w->items_name.empty() ? w->items_name : std::string("items")) + "/s";
}

std::string ceilings_text(const json& p) {
  if (!p.is_object()) return "not measured";
  // report_from_json checked these fields; a report made in memory has them too.
  // The memory figures are the roofline's: the best of each side's.
  std::string s = "CPU " + fmt("%.1f GB/s", ceiling_of(p, "cpu", "memory")) + ", " +
                  fmt("%.1f GFLOP/s", p["cpu"]["fma_gflops"].get<double>());
  if (p["gpu"].is_object())
    s += "; GPU " + fmt("%.0f GB/s", ceiling_of(p, "gpu", "memory")) + ", " +
         fmt("%.0f GFLOP/s", p["gpu"]["fma_gflops"].get<double>()) + ", PCIe H2D " +
         fmt("%.1f GB/s", p["gpu"]["h2d_gb_per_s"].get<double>());
  return s;
}

std::string latency_of(const json& v, const char* k, const char* none) {
  return v.is_object() && v.contains(k) && v[k].is_number() ? format_ns(v[k].get<double>()) : std::string(none);
}

std::string cold_start_text(const json& c) {
  if (!c.is_object()) return "";
  if (!c.value("measured", false))
    return "GPU cold start: not measured (" + c.value("reason", std::string("?")) + ")";
  const std::string load =
      c.contains("cublas_load_ns") ? ", loading cuBLAS " + format_ns(c["cublas_load_ns"].get<double>()) : "";
  std::string s = "GPU cold start: context " + format_ns(c["context_ns"].get<double>()) + load + ", cuBLAS handle " +
                  format_ns(c["cublas_handle_ns"].get<double>()) + "; first launch:";
  for (const auto& [k, v] : c["first_launch_ns"].items()) s += " " + k + " " + format_ns(v.get<double>());
  return s;
}

std::string capacity_text(const json& c) {
  if (!c.is_object()) return "";
  if (!c.value("measured", false)) return "MLP capacity: not measured (" + c.value("reason", std::string("?")) + ")";
  const json& checked = c["checked_by_allocation"];
  return "MLP capacity: largest batch " + std::to_string(c["largest_batch"].get<int64_t>()) + " within " +
         format_bytes(c["basis_bytes"].get<double>()) + " (" + c["basis"].get<std::string>() + ")" +
         (checked.is_boolean() ? (checked.get<bool>() ? ", checked by allocation" : ", allocation check FAILED")
                               : ", not checked (no GPU)") +
         (c.contains("largest_allocated_batch")
              ? "; the largest batch that allocated: " + std::to_string(c["largest_allocated_batch"].get<int64_t>())
              : "");
}

namespace {
// "cpu_rounds_here" -> "cpu rounds here"
std::string spaced(std::string k) {
  std::replace(k.begin(), k.end(), '_', ' ');
  return k;
}

// Numbers of `o` (report_from_json checked them), largest first.
std::vector<std::pair<double, std::string>> largest_first(const json& o) {
  std::vector<std::pair<double, std::string>> v;
  for (const auto& [k, x] : o.items())
    if (x.is_number()) v.emplace_back(x.get<double>(), k);
  std::sort(v.rbegin(), v.rend());
  return v;
}
}  // namespace

std::string run_time_text(const json& t) {
  if (!t.is_object() || !t.contains("total")) return "";
  std::string s = "run time " + fmt("%.1f s", t["total"].get<double>()) + ":";
  const char* sep = " ";
  if (t.contains("cases") && t["cases"].is_object()) {
    double cases_s = 0;
    std::string parts;
    for (const auto& [x, k] : largest_first(t["cases"])) {
      cases_s += x;
      parts += (parts.empty() ? "" : ", ") + spaced(k) + " " + fmt("%.1f s", x);
    }
    s += " cases " + fmt("%.1f s", cases_s) + " (" + parts;
    if (t.contains("timed_samples"))
      s += "; " + fmt("%.1f s", t["timed_samples"].get<double>()) + " inside timed regions";
    s += ")";
    sep = ", ";
  }
  for (const auto& [x, k] : largest_first(t))
    if (k != "total" && k != "timed_samples") {
      s += sep + spaced(k) + " " + fmt("%.1f s", x);
      sep = ", ";
    }
  return s;
}

std::string fallback_overhead_text(const json& e) {
  // report_from_json checked these fields' types.
  if (!e.contains("overhead_paired_ns"))
    return signed_ns(e["overhead_ns"].get<double>()) + fmt(" (%.1f%%)", e["overhead_pct"].get<double>());
  const json& p = e["overhead_paired_ns"];
  return signed_ns(p["median"].get<double>()) + fmt(" (%.1f%%)", e["overhead_paired_pct"].get<double>()) + " [" +
         signed_ns(p["ci95"][0].get<double>()) + ", " + signed_ns(p["ci95"][1].get<double>()) + "]";
}

std::string fallback_after_fault(const json& e) {
  // report_from_json checked these optional fields' types.
  std::string s;
  if (e.contains("recovered_after_fault")) s = e["recovered_after_fault"].get<bool>() ? "GPU back" : "GPU NOT back";
  const uint64_t leaked = e.value("leaked_device_bytes", uint64_t(0));
  if (leaked > 0) s += (s.empty() ? "" : ", ") + format_bytes(double(leaked)) + " leaked";
  return s.empty() ? "-" : s;
}

const speedup_result* speedup_of(const report& r, const case_result& c) {
  if (c.backend != "gpu") return nullptr;
  for (const auto& s : r.speedups)
    if (s.workload == c.workload && s.params == c.params && s.variant == c.variant && s.timing == c.timing) return &s;
  return nullptr;
}

int svg_label_width(const std::vector<std::string>& labels, double font_px) {
  size_t longest = 0;
  for (const auto& l : labels) longest = std::max(longest, l.size());
  return int(std::ceil(double(longest) * 0.64 * font_px));
}

std::string threads_text(int n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

std::string cpu_side(const system_info& s) {
  std::string t = threads_text(s.cpu_threads_used);
  if (s.cpu_allowed > 0 && s.cpu_allowed < s.cpu_cores)
    t += " on " + std::to_string(s.cpu_allowed) + " of " + std::to_string(s.cpu_cores) + " CPUs";
  if (s.cpu_quota > 0) t += ", a cgroup quota of " + fmt("%.2f", s.cpu_quota) + " CPUs";
  return t;
}

size_t utf8_characters(const std::string& s) {
  size_t n = 0;
  for (const unsigned char ch : s) n += (ch & 0xC0) != 0x80;  // UTF-8 lead bytes
  return n;
}

std::string fit_to_characters(const std::string& s, size_t max, const std::string& whole) {
  if (utf8_characters(s) <= max) return s;
  const std::string note = "\n_Cut here to fit in " + std::to_string(max) + " characters: " + whole +
                           " shows everything._\n";
  const size_t room = max > utf8_characters(note) ? max - utf8_characters(note) : 0;
  size_t keep = 0, n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (n > room) break;
    if (s[i] == '\n') keep = i + 1;
  }
  return s.substr(0, keep) + note;
}

std::string cache_mode(const report& r) {
  const auto it = r.config.find("cache");
  return it != r.config.end() && it->is_string() ? it->get<std::string>() : "warm";
}

std::string fallback_cache_note(const report& r) {
  return cache_mode(r) == "warm" ? ""
                                 : "timed with warm caches, requests back to back: --cache " + cache_mode(r) +
                                       " applies to the cases above, not to this table";
}

std::string cache_text(const std::string& mode) {
  if (mode == "cold")
    return "cold: one call per sample, each after the CPU caches (and, on the GPU, the L2) were evicted";
  return "warm: calls back to back; inputs that fit stay in cache between calls";
}

std::string case_id(const case_result& c) {
  std::string id = c.workload + "/" + params_label(c.params) + "/" + c.backend + "/" + c.variant + "/" + c.timing;
  if (c.backend == "cpu") {
    id += '/';
    id += std::to_string(c.threads);
    id += 't';
  }
  return id;
}

std::string speedup_id(const speedup_result& s) {
  return s.workload + "/" + params_label(s.params) + "/" + s.variant + "/" + s.timing;
}

}  // namespace accel
