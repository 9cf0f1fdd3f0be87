// Small formatting helpers and lookups every reporter shares.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "report.hpp"

namespace accel {

// 1234.5 -> "1.23 us"; picks ns, us, ms or s.
std::string format_ns(double ns);
// format_ns with a sign: -80 -> "-80.0 ns"
std::string signed_ns(double ns);
// printf of one double
std::string fmt(const char* f, double v);
// printf into a string of any length (a table row whose columns grow with their text)
std::string printf_string(const char* f, ...) __attribute__((format(printf, 1, 2)));
// 1536 -> "1.5 KiB"
std::string format_bytes(double b);
// The width (px) a browser may need for the longest of `labels` in an SVG at
// `font_px`: 0.64 em a character, the width of a digit in DejaVu Sans (the
// usual sans-serif on Linux), wider than most of what case names hold.
int svg_label_width(const std::vector<std::string>& labels, double font_px);
// 14200 -> "14.2 k", 3.56e6 -> "3.56 M": a rate with three significant digits
std::string format_rate(double per_s);
// The column heading of a workload's items per second: "predictions/s",
// "keys/s" (the workload's items_name), "items/s" for an unknown workload.
std::string items_rate_heading(const std::string& workload);
// The speedup belonging to a GPU case (same workload, params, variant, timing), or null.
const speedup_result* speedup_of(const report& r, const case_result& c);
// "CPU 22.1 GB/s, 199.8 GFLOP/s; GPU 3012 GB/s, 51234 GFLOP/s, PCIe H2D 24.1 GB/s",
// or "not measured".
std::string ceilings_text(const json& peaks);
// The p50/p99 (`key`) of one of a fallback entry's latency objects, or `none`.
std::string latency_of(const json& percentiles, const char* key, const char* none);
// "GPU cold start: context 150.00 ms, cuBLAS handle 25.00 ms; first launch: k 410.00 us ..."
// or "GPU cold start: not measured (why)"; "" when the report has no cold_start.
std::string cold_start_text(const json& cold_start);
// "MLP capacity: largest batch N within X (basis), checked by allocation ...";
// "" when not measured.
std::string capacity_text(const json& capacity);
// A fallback entry's state after its fault: "GPU back" / "GPU NOT back" for an
// injected fault (then cleared), plus "N B leaked" when tracked device bytes
// were left behind; "-" when there is nothing to say.
std::string fallback_after_fault(const json& entry);
// "run time 215.9 s: cases 212.4 s (cpu rounds in child processes 120.1 s,
// ...; 112.8 s inside timed regions), ceilings 0.6 s, ..." (largest first);
// "" when the report has no run_time_s.
std::string run_time_text(const json& run_time_s);
// A fallback entry's overhead over the direct CPU call: the median of the
// paired differences with its 95 % CI, "+1.20 us (0.4%) [-0.30 us, 2.90 us]";
// in reports older than the pairs, the difference of the p50s, "+1.20 us (0.4%)".
std::string fallback_overhead_text(const json& entry);
// "1 thread", "8 threads"
std::string threads_text(int n);
// What the CPU side ran on: the threads its cases used, and what limited the
// CPUs, an affinity mask narrower than the machine and a cgroup CPU quota:
// "16 threads", "2 threads on 2 of 64 CPUs, a cgroup quota of 1.50 CPUs".
std::string cpu_side(const system_info& s);
// GitHub caps a pull-request comment at 65,536 characters: the Markdown of a
// report and of a comparison shortens itself to fit.
inline constexpr size_t kCommentCharacters = 65536;
// Characters (code points) of UTF-8 text.
size_t utf8_characters(const std::string& s);
// Markdown `s` when it has at most `max` characters; else cut at a line's end
// to fit, with a last line saying so and what shows everything (`whole`, e.g.
// "`--format html`").
std::string fit_to_characters(const std::string& s, size_t max, const std::string& whole);
// The run's --cache: "warm" or "cold" (reports from before the option: "warm").
std::string cache_mode(const report& r);
// What that mode means for the times: "warm: calls back to back, ..." / "cold: ...".
std::string cache_text(const std::string& mode);
// Under the fallback table of a cold run: its requests are timed warm, back
// to back (bench/fallback_latency.cpp), whatever --cache says. "" when warm.
std::string fallback_cache_note(const report& r);
// "reduce/op=sum n=1048576/gpu/custom/kernel" (CPU cases add "/2t")
std::string case_id(const case_result& c);
std::string speedup_id(const speedup_result& s);

}  // namespace accel
