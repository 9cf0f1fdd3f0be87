// Every reporter on a synthetic report: parsed back where the format allows.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <sstream>

#include "reporters/format_util.hpp"
#include "fallback_latency.hpp"
#include "peaks.hpp"
#include "rng.hpp"
#include "roofline.hpp"
#include "reporters/reporters.hpp"

using namespace accel;

namespace {

case_result make_case(const std::string& backend, const std::string& variant, const std::string& timing, double ns) {
  case_result c;
  c.workload = "reduce";
  c.params = {{"op", "sum"}, {"n", 1024}, {"note", "a,b \"quoted\""}};  // a param that needs CSV escaping
  c.backend = backend;
  c.variant = variant;
  c.timing = timing;
  c.threads = backend == "cpu" ? 4 : 0;
  c.samples_ns = {ns, ns * 1.01, ns * 0.99};
  c.stats.median = ns;
  c.stats.mean = ns * 1.002;  // apart from the median, so a row showing the wrong one is seen
  c.stats.stdev = ns * 0.01;
  c.iterations_per_sample = 7;
  c.stats.min = ns * 0.99;
  c.stats.max = ns * 1.01;
  c.stats.median_ci95 = {ns * 0.99, ns * 1.01};
  c.converged = true;
  c.verification = verification{true, 0, 0, 0, ""};
  c.flops_per_call = 1024;
  c.bytes_per_call = 4096;
  c.gflops = 1024 / ns;
  c.gb_per_s = 4096 / ns;
  c.items_per_call = 1024;
  c.items_per_s = 1024 / (ns * 1e-9);
  if (backend == "gpu") c.memory = case_memory{123456, std::nullopt, std::nullopt, 0};
  return c;
}

report sample_report() {
  report r;
  r.created_utc = "2026-11-23T00:00:00Z";
  r.system.cpu_model = "Test <CPU> & co";
  r.cases = {make_case("cpu", "eigen", "cpu", 1000), make_case("gpu", "custom", "kernel", 100),
             make_case("gpu", "custom", "end_to_end", 800)};
  r.cases[2].status = "verify_failed";
  r.cases[2].verification = verification{false, 1, 1, 3, "index 2: got 1, expected 2"};
  speedup_result pass{"reduce", r.cases[1].params, "custom", "kernel", 10, {9, 11}, 4.22, "pass", ""};
  speedup_result fail{"reduce", r.cases[1].params, "cub", "kernel", 2, {1.9, 2.1}, 4.22, "fail", ""};
  speedup_result none{"reduce", r.cases[1].params, "custom", "end_to_end", 0, {}, 4.22, "not_measured",
                      "verification failed"};
  r.speedups = {pass, fail, none};
  return r;
}

// One fallback.entries[] row as the runner writes it: the CPU answered `trigger`.
json fallback_entry(const std::string& trigger, bool injected, const std::string& reason) {
  return {{"trigger", trigger},
          {"injected", injected},
          {"batch", 1},
          {"answered_by", "cpu"},
          {"reason", reason},
          {"answer_matches_direct_cpu", true},
          {"steady_ns", {{"n", 20}, {"p50", 2050.0}, {"p99", 3000.0}}},
          {"direct_cpu_ns", {{"n", 20}, {"p50", 2000.0}, {"p99", 2900.0}}},
          {"overhead_ns", 50.0},
          {"overhead_pct", 2.5},
          {"first_request_ns", {{"n", 5}, {"p50", 1.6e8}, {"p99", 1.7e8}}}};
}

std::string render(const std::string& f, const report& r) {
  std::ostringstream o;
  write_format(f, r, o);
  return o.str();
}

// RFC 4180 reader, enough for the round trip.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += text[++i];
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back();  // after the last newline
  return rows;
}

}  // namespace

TEST(Reporters, CsvRoundTripsWithEscaping) {
  const auto rows = parse_csv(render("csv", sample_report()));
  ASSERT_EQ(rows.size(), 4u);  // header + 3 cases
  for (const auto& r : rows) EXPECT_EQ(r.size(), rows[0].size());
  const auto col = [&](const std::string& name) {
    return size_t(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
  };
  ASSERT_LT(col("param.note"), rows[0].size());
  EXPECT_EQ(rows[1][col("param.note")], "a,b \"quoted\"");
  EXPECT_EQ(rows[1][col("param.n")], "1024");
  EXPECT_EQ(rows[2][col("verdict")], "pass");
  EXPECT_EQ(std::stod(rows[2][col("speedup")]), 10.0);
  EXPECT_EQ(rows[3][col("status")], "verify_failed");
  EXPECT_EQ(std::stod(rows[1][col("median_ns")]), 1000.0);
  EXPECT_EQ(rows[1][col("rounds")], "1");
  ASSERT_LT(col("round_spread"), rows[0].size());
  ASSERT_LT(col("items_per_s"), rows[0].size());
  EXPECT_DOUBLE_EQ(std::stod(rows[1][col("items_per_s")]), 1.024e9);
}

// Items per second next to the time, named by what the workload counts
// (predictions for the MLP, elements for reduce).
TEST(Reporters, ConsoleAndMarkdownShowItemsPerSecond) {
  const std::string console = render("console", sample_report()), md = render("md", sample_report());
  for (const std::string* out : {&console, &md}) {
    EXPECT_NE(out->find("elements/s"), std::string::npos) << *out;
    EXPECT_NE(out->find("1.02 G"), std::string::npos) << *out;  // 1024 elements in 1000 ns
  }
  EXPECT_EQ(items_rate_heading("mlp"), "predictions/s");
  EXPECT_EQ(items_rate_heading("no_such_workload"), "items/s");
  EXPECT_EQ(format_rate(999.4), "999");
  EXPECT_EQ(format_rate(999.6), "1 k");
  EXPECT_EQ(format_rate(14200), "14.2 k");
  EXPECT_EQ(format_rate(3.56e6), "3.56 M");
}

TEST(Reporters, MarkdownPutsSummaryAndFailuresFirst) {
  const std::string md = render("md", sample_report());
  const size_t summary = md.find("1 pass, 1 fail"), failures = md.find("### Failures"), table = md.find("### reduce");
  ASSERT_NE(summary, std::string::npos) << md;
  ASSERT_NE(failures, std::string::npos) << md;
  ASSERT_NE(table, std::string::npos) << md;
  EXPECT_LT(summary, failures);
  EXPECT_LT(failures, table);
  EXPECT_NE(md.find("index 2: got 1"), std::string::npos);
}

// A heading right under a table's last row reads, to some renderers, as one
// more row: every heading stands after a blank line. A flag without a
// verdict stands alone in its cell.
TEST(Reporters, MarkdownHeadingsAndFlags) {
  report r = sample_report();
  r.cases.push_back(make_case("cpu", "eigen", "cpu", 500));
  r.cases.back().workload = "scan";
  r.cases.back().converged = false;
  const std::string md = render("md", r);
  EXPECT_NE(md.find("| (noisy) |"), std::string::npos) << md;  // a CPU case: no verdict before it
  size_t headings = 0;
  for (size_t p = md.find("\n#"); p != std::string::npos; p = md.find("\n#", p + 1), ++headings)
    EXPECT_EQ(md[p - 1], '\n') << md.substr(p < 80 ? 0 : p - 80, 120);
  EXPECT_GE(headings, 3u) << md;  // Failures and two workloads at least
}

TEST(Reporters, JunitHasOneTestcasePerVerdict) {
  const std::string x = render("junit", sample_report());
  size_t cases = 0;
  for (size_t p = x.find("<testcase"); p != std::string::npos; p = x.find("<testcase", p + 1)) ++cases;
  EXPECT_EQ(cases, 3u);
  EXPECT_NE(x.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(x.find("skipped=\"1\""), std::string::npos);
  EXPECT_NE(x.find("<failure message=\"speedup 2.000x"), std::string::npos) << x;
  EXPECT_NE(x.find("<skipped message=\"verification failed\"/>"), std::string::npos) << x;
}

TEST(Reporters, GbenchIsGoogleBenchmarkJson) {
  const json j = json::parse(render("gbench", sample_report()));
  ASSERT_TRUE(j.contains("context"));
  int aggregates = 0, iterations = 0;
  for (const auto& b : j["benchmarks"]) {
    for (const char* k : {"name", "run_name", "run_type", "iterations", "real_time", "cpu_time", "time_unit"})
      EXPECT_TRUE(b.contains(k)) << k;
    if (b["run_type"] == "aggregate") ++aggregates;
    else ++iterations;
  }
  EXPECT_EQ(aggregates, 3 * 3);  // mean, median, stddev per case
  EXPECT_EQ(iterations, 3 * 3);  // 3 samples per case
  // Each row carries its own statistic, per call, and the calls per sample.
  const report r = sample_report();
  const std::string id = case_id(r.cases[0]);
  std::map<std::string, double> time;
  for (const auto& b : j["benchmarks"]) {
    EXPECT_EQ(b["iterations"], b["run_type"] == "aggregate" ? 3 * 7 : 7);  // all samples / one
    time[b["name"].get<std::string>() + "#" + std::to_string(b.value("repetition_index", -1))] = b["real_time"];
  }
  EXPECT_DOUBLE_EQ(time[id + "_median#-1"], r.cases[0].stats.median);
  EXPECT_DOUBLE_EQ(time[id + "_mean#-1"], r.cases[0].stats.mean);
  EXPECT_DOUBLE_EQ(time[id + "_stddev#-1"], r.cases[0].stats.stdev);
  EXPECT_DOUBLE_EQ(time[id + "#1"], r.cases[0].samples_ns[1]);
}

// Many samples become at most 50 repetitions, each the mean of a contiguous
// run of samples over all its calls: nothing is dropped.
TEST(Reporters, GbenchGroupsManySamplesIntoFiftyRepetitions) {
  report r = sample_report();
  r.cases.resize(1);
  case_result& c = r.cases[0];
  rng g(7);
  c.samples_ns.clear();
  for (int i = 0; i < 1003; ++i) c.samples_ns.push_back(1000 + double(g.below(500)));
  const json j = json::parse(render("gbench", r));
  int64_t iterations = 0;
  double ns = 0, sampled = 0;
  int rows = 0;
  for (const auto& b : j["benchmarks"]) {
    if (b["run_type"] == "aggregate") continue;
    EXPECT_EQ(b["repetition_index"], rows);
    EXPECT_EQ(b["repetitions"], 50);
    const int64_t calls = b["iterations"].get<int64_t>();
    EXPECT_TRUE(calls == 20 * 7 || calls == 21 * 7) << calls;  // 1003 samples in 50 runs of 20 or 21
    iterations += calls;
    ns += b["real_time"].get<double>() * double(calls);
    ++rows;
  }
  for (double x : c.samples_ns) sampled += x * 7;
  EXPECT_EQ(rows, 50);
  EXPECT_EQ(iterations, 1003 * 7);
  EXPECT_NEAR(ns, sampled, 1e-9 * sampled);
}

TEST(Reporters, BenchSpeedupListsMeasuredSpeedups) {
  const json j = json::parse(render("bench-speedup", sample_report()));
  ASSERT_EQ(j.size(), 2u);  // not_measured left out
  EXPECT_EQ(j[0]["unit"], "x");
  EXPECT_EQ(j[0]["value"], 10.0);
}

// The human formats say what the CPU side ran on, limits included.
TEST(Reporters, HeadersNameTheCpuSide) {
  report r = sample_report();
  r.system.cpu_cores = 64;
  r.system.cpu_allowed = 8;
  r.system.cpu_threads_used = 8;
  r.system.cpu_quota = 4;
  EXPECT_EQ(cpu_side(r.system), "8 threads on 8 of 64 CPUs, a cgroup quota of 4.00 CPUs");
  EXPECT_NE(render("md", r).find("CPU: Test <CPU> & co (8 threads on 8 of 64 CPUs, a cgroup quota of 4.00 CPUs)"),
            std::string::npos);
  EXPECT_NE(render("html", r).find("64 logical CPUs; used: 8 threads on 8 of 64 CPUs, a cgroup quota of 4.00 CPUs"),
            std::string::npos);
  r.system.cpu_allowed = 64;  // the whole machine, no quota: the thread count alone
  r.system.cpu_quota = 0;
  r.system.cpu_threads_used = 1;
  EXPECT_EQ(cpu_side(r.system), "1 thread");
}

// --cache cold changes what every time means: the human formats say so at
// the top (the HTML always names the mode), Google Benchmark's context too.
TEST(Reporters, HeadersNameAColdCacheRun) {
  report r = sample_report();
  const std::string cold =
      "cold: one call per sample, each after the CPU caches (and, on the GPU, the L2) were evicted";
  EXPECT_EQ(render("console", r).find("caches:"), std::string::npos) << "warm, the default, goes unsaid";
  EXPECT_NE(render("html", r).find("<th>caches</th><td>warm: calls back to back"), std::string::npos);
  EXPECT_EQ(json::parse(render("gbench", r))["context"]["accelbench_cache"], "warm");
  r.config["cache"] = "cold";
  EXPECT_EQ(render("console", r).rfind("caches: " + cold + "\n", 0), 0u) << render("console", r);
  EXPECT_NE(render("md", r).find(" · caches " + cold), std::string::npos);
  EXPECT_NE(render("html", r).find("<th>caches</th><td>" + cold), std::string::npos);
  EXPECT_EQ(json::parse(render("gbench", r))["context"]["accelbench_cache"], "cold");
}

// The fallback requests run back to back whatever --cache says: a cold run's
// console, Markdown and HTML say so under that table; a warm run's do not.
TEST(Reporters, AColdRunsFallbackTableSaysItWasTimedWarm) {
  report r = sample_report();
  r.fallback = {{"requests_min", 20}, {"entries", {fallback_entry("no_device", false, "no GPU")}}};
  const std::string note = "timed with warm caches, requests back to back: --cache cold applies to the cases above";
  for (const char* f : {"console", "md", "html"}) {
    EXPECT_NE(render(f, r).find("fallback latency"), std::string::npos) << f;
    EXPECT_EQ(render(f, r).find("timed with warm caches"), std::string::npos) << f;
  }
  r.config["cache"] = "cold";
  for (const char* f : {"console", "md", "html"}) EXPECT_NE(render(f, r).find(note), std::string::npos) << f;
}

TEST(Reporters, HtmlIsSelfContained) {
  const std::string h = render("html", sample_report());
  EXPECT_NE(h.find("<svg"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("src="), std::string::npos);  // nothing fetched at view time
  EXPECT_NE(h.find("Test &lt;CPU&gt; &amp; co"), std::string::npos);
  EXPECT_NE(h.find("</html>"), std::string::npos);
}

// The bar charts' case names end where the bars start (text-anchor end): each
// needs room left of its x, about 0.6 em a character in a sans-serif font.
// A 360-px column cut the default MLP's names at their start on the H100 report.
TEST(Reporters, HtmlChartLabelsFitLeftOfTheirBars) {
  report r = sample_report();
  std::string layers;
  for (int i = 0; i < 12; ++i) layers += (i ? ",4096" : "4096");
  for (auto& c : r.cases) c.params["layers"] = layers;
  for (auto& s : r.speedups) s.params["layers"] = layers;
  const std::string h = render("html", r);
  const std::string open = "<text x='", tail = "font-size='11' text-anchor='end'>";
  int labels = 0;
  for (size_t t = h.find(tail); t != std::string::npos; t = h.find(tail, t + 1)) {
    const size_t at = h.rfind(open, t);
    ASSERT_NE(at, std::string::npos);
    const double x = std::stod(h.substr(at + open.size()));
    const size_t from = t + tail.size(), to = h.find("</text>", from);
    std::string label = h.substr(from, to - from);
    for (const auto& [entity, one] : std::map<std::string, std::string>{
             {"&quot;", "\""}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}})
      for (size_t p = label.find(entity); p != std::string::npos; p = label.find(entity, p))
        label.replace(p, entity.size(), one);
    if (label.find(layers) == std::string::npos) continue;
    ++labels;
    EXPECT_GE(x, 0.6 * 11 * double(label.size())) << label;
  }
  EXPECT_GE(labels, 3) << "the speedup and device memory charts' names";
}

// One 20 ms stall among ~100 us samples: the strip's axis ends at the outer
// fence, so the median's mark is not squeezed against the start, and the
// stall is counted and drawn at the edge. Without outliers the axis is min..max.
TEST(Reporters, HtmlSampleStripsEndAtTheOuterFences) {
  report r;
  r.created_utc = "2026-11-23T00:00:00Z";
  case_result c = make_case("cpu", "eigen", "cpu", 100000);
  rng g(5);
  c.samples_ns.clear();
  for (int i = 0; i < 99; ++i) c.samples_ns.push_back(100000 * (1 + 0.02 * g.normal()));
  c.samples_ns.push_back(20e6);
  c.stats = summarize(c.samples_ns);
  r.cases = {c};
  const std::string h = render("html", r);
  const std::string mark = "' y1='0' y2='16' stroke='#c00'", open = "<line x1='";
  const size_t at = h.find(mark);
  ASSERT_NE(at, std::string::npos) << h;
  const double median_x = std::stod(h.substr(h.rfind(open, at) + open.size()));
  EXPECT_GT(median_x, 60) << "the median's mark on a 4..296 axis";
  EXPECT_NE(h.find("1 beyond 3 IQR at its edges</small>"), std::string::npos);
  EXPECT_NE(h.find("stroke='#e90'"), std::string::npos) << "the stall drawn at the edge";
  // In rounds, the strip's fences are over all of them and the outliers
  // rule's per round: the strip says so, as its count may differ.
  report rounds = r;
  rounds.cases[0].round_sizes = {50, 50};
  EXPECT_NE(render("html", rounds).find("1 beyond 3 IQR at its edges (fences over all rounds; the outliers rule "
                                        "fences each round)"),
            std::string::npos);
  r.cases[0].samples_ns.pop_back();
  r.cases[0].stats = summarize(r.cases[0].samples_ns);
  const std::string quiet = render("html", r);
  EXPECT_EQ(quiet.find("beyond 3 IQR"), std::string::npos);
  EXPECT_EQ(quiet.find("stroke='#e90'"), std::string::npos);
}

TEST(Reporters, UnknownFormatIsAnInputError) {
  std::ostringstream o;
  EXPECT_THROW(write_format("pdf", sample_report(), o), input_error);
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a\nb"), "\"a\nb\"");
}

TEST(Reporters, HumanFormatsCarryWarningsAndRecommendations) {
  report r = sample_report();
  r.warnings = {"the machine was busy when the run started"};
  r.cases[1].throttled = "hw_thermal";
  r.cases[1].gpu_before = gpu_health{1980, 2619, 80, 600, 0};
  r.cases[1].gpu_after = gpu_health{1200, 2619, 91, 400, kThrottleHwThermal};
  for (const char* f : {"console", "html"}) {
    const std::string text = render(f, r);
    EXPECT_NE(text.find("the machine was busy"), std::string::npos) << f;
    EXPECT_NE(text.find("verification failed (max abs err 1"), std::string::npos) << f;
    EXPECT_NE(text.find("GPU throttled (hw_thermal); SM clock 1980 "), std::string::npos) << f;
    EXPECT_NE(text.find("1200 MHz, 91 C at the end"), std::string::npos) << f;
  }
  EXPECT_NE(render("console", r).find("(throttled: hw_thermal)"), std::string::npos);
  // Markdown: each rule's meaning once, then per case its rules with their numbers.
  const std::string md = render("md", r);
  EXPECT_NE(md.find("the machine was busy"), std::string::npos);
  EXPECT_NE(md.find("| verify_failed | the GPU result failed verification"), std::string::npos) << md;
  EXPECT_NE(md.find("verify_failed: max abs err 1, 3 mismatches"), std::string::npos) << md;
  EXPECT_NE(md.find("throttled: hw_thermal; SM clock 1980 -> 1200 MHz, 91 C at the end"), std::string::npos) << md;
}

// A pull-request comment holds at most 65,536 characters. The H100 machine's
// default-suite report came to 98 k in Markdown when each recommendation was
// written out in full (two thirds of it); per case with its numbers, it fits.
TEST(Reporters, MarkdownOfAGpuDefaultSuiteFitsAPullRequestComment) {
  const report r = read_report(ACCELBENCH_SOURCE_DIR "/results/nvidia-h100-80gb-hbm3/report.json");
  const std::string md = render("md", r);
  EXPECT_LT(utf8_characters(md), 65536u);
  // It fits as it is: had it been shortened to fit, this would say so.
  EXPECT_EQ(md.find("_Shortened to fit"), std::string::npos);
  EXPECT_NE(md.find("| case | rules (numbers) |"), std::string::npos);
  EXPECT_NE(md.find("### Warnings and recommendations"), std::string::npos);
}

// Past a comment's 65,536 characters the Markdown shortens itself and says
// so: first the recommendations become counts per rule, then the workloads'
// tables go from the last, while the summary, failures and fallback stay; as
// a last resort it is cut at a line's end. A GPU machine's full suite has 1.8
// times the default's points: here the H100 report's cases twice over.
TEST(Reporters, MarkdownShortensItselfToFitAComment) {
  const report h100 = read_report(ACCELBENCH_SOURCE_DIR "/results/nvidia-h100-80gb-hbm3/report.json");
  EXPECT_EQ(render("md", h100).find("Shortened"), std::string::npos) << "it fits: nothing left out";
  report r = h100;
  for (const auto& c : h100.cases) {
    r.cases.push_back(c);
    r.cases.back().params["copy"] = 2;
  }
  for (const auto& sp : h100.speedups) {
    r.speedups.push_back(sp);
    r.speedups.back().params["copy"] = 2;
  }
  const std::string md = render("md", r);
  EXPECT_LE(utf8_characters(md), kCommentCharacters);
  EXPECT_NE(md.find("_Shortened to fit in 65536 characters (a pull-request comment's limit): the recommendations "
                    "are counted per rule, and the tables of elementwise are left out; "),
            std::string::npos);
  EXPECT_NE(md.find("### sort"), std::string::npos);
  EXPECT_EQ(md.find("### elementwise"), std::string::npos);
  EXPECT_NE(md.find("| rule | cases | means |"), std::string::npos);
  EXPECT_EQ(md.find("| case | rules (numbers) |"), std::string::npos);
  EXPECT_NE(md.find("### Failures"), std::string::npos);
  EXPECT_NE(md.find("### CPU fallback latency"), std::string::npos);

  std::ostringstream small, tiny;
  write_markdown(r, small, 30000);
  EXPECT_LE(utf8_characters(small.str()), 30000u);
  EXPECT_NE(small.str().find("scan, sort, elementwise are left out"), std::string::npos) << small.str();
  EXPECT_EQ(small.str().find("### scan"), std::string::npos);
  EXPECT_NE(small.str().find("### Failures"), std::string::npos);
  write_markdown(r, tiny, 2000);
  EXPECT_LE(utf8_characters(tiny.str()), 2000u);
  EXPECT_NE(tiny.str().find("\n_Cut here to fit in 2000 characters: "), std::string::npos) << tiny.str();
}

TEST(Reporters, ConsoleDrawsOneSpeedupBarPerMeasuredCase) {
  const std::string text = render("console", sample_report());
  const auto at = text.find("speedup per case");
  ASSERT_NE(at, std::string::npos);
  // pass (10x) and fail (2x) have bars; the not-measured one has none.
  const std::string section = text.substr(at, text.find("\n\n", at) - at);
  EXPECT_NE(section.find("10.00x  pass"), std::string::npos);
  EXPECT_NE(section.find("2.00x  fail"), std::string::npos);
  EXPECT_EQ(section.find("not_measured"), std::string::npos);
  EXPECT_NE(section.find('|'), std::string::npos);  // the target line
}

// Long points (sort's "kind=pairs dist=nearly_sorted n=16777216" is 40
// characters) widen the table's first column instead of pushing their rows
// out of line, and the speedup bars name every case in full: cut at 52
// characters, a default MLP's kernel and end_to_end rows read the same.
TEST(Reporters, ConsoleColumnsFitTheirLongestNames) {
  report r = sample_report();
  case_result other = r.cases[0];
  other.params["dist"] = "short";
  r.cases[0].params["dist"] = "a distribution with a long name";
  r.cases.insert(r.cases.begin() + 1, other);
  for (auto& s : r.speedups) s.params["layers"] = "512,1024,1024,1024,1024,1024,1024,64";
  r.speedups[1].variant = "custom";
  r.speedups[1].timing = "end_to_end";
  const std::string text = render("console", r);
  std::istringstream lines(text);
  std::string line;
  size_t case_column = std::string::npos;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("  point ", 0) == 0) case_column = line.find("case");
    if (case_column == std::string::npos || line.size() <= case_column) continue;
    if (line.compare(case_column, 4, "cpu ") == 0 || line.compare(case_column, 4, "gpu ") == 0) ++rows;
  }
  EXPECT_EQ(rows, 4) << "each case row's label starts under 'case':\n" << text;
  for (const auto& s : {r.speedups[0], r.speedups[1]})
    EXPECT_NE(text.find("  " + speedup_id(s) + " "), std::string::npos) << speedup_id(s) << "\n" << text;
}

// A run interrupted before its first case has no speedup entries: the summary
// names the configured target, not 0.00x.
TEST(Reporters, ConsoleSummaryOfAReportWithoutCases) {
  report r;
  r.created_utc = "2026-11-23T00:00:00Z";
  r.config = {{"target", 3.5}};
  r.interrupted = true;
  const std::string text = render("console", r);
  EXPECT_NE(text.find("0 not measured (target 3.50x)"), std::string::npos) << text;
  r.config = {{"target", "fast"}};  // a hand-edited report: no target, no exception
  EXPECT_NE(render("console", r).find("(target 0.00x)"), std::string::npos);
}

// Without a GPU the capacity line says why it has no figure, as cold start does.
TEST(Reporters, CapacityNotMeasuredSaysWhy) {
  report r = sample_report();
  r.capacity = {{"workload", "mlp"}, {"measured", false}, {"reason", "no GPU: no driver"}};
  for (const char* f : {"console", "md", "html"})
    EXPECT_NE(render(f, r).find("MLP capacity: not measured (no GPU: no driver)"), std::string::npos) << f;
  EXPECT_EQ(report_from_json(to_json(r)).capacity, r.capacity);
  json bad = to_json(r);
  bad["capacity"].erase("reason");
  EXPECT_THROW(report_from_json(bad), input_error);
}

// The HTML crossover chart's speedup axis spans whole decades around its own
// points, 1x and the target: a 20-60x sweep gets 1x, 10x and 100x, not a
// fixed 0.01x..1000x that squeezes it into a fifth of the height.
TEST(Reporters, HtmlCrossoverAxisFitsItsSpeedups) {
  const auto axis = [](std::initializer_list<double> values) {
    report r;
    int64_t n = 1024;
    for (double v : values) {
      r.speedups.push_back({"reduce", {{"op", "sum"}, {"n", n}}, "custom", "end_to_end", v, {v * 0.9, v * 1.1}, 4.22,
                            v >= 4.22 ? "pass" : "fail", ""});
      n *= 4;
    }
    r.crossovers = compute_crossovers(r);
    const std::string html = render("html", r);
    const size_t at = html.find("<h2>Speedup vs size</h2>");
    const std::string chart = html.substr(at, html.find("</figure>", at) - at);
    std::vector<std::string> labels;
    for (size_t p = chart.find("fill='#666'>"); p != std::string::npos; p = chart.find("fill='#666'>", p + 1))
      labels.push_back(chart.substr(p + 12, chart.find('<', p) - p - 12));
    return labels;
  };
  EXPECT_EQ(axis({20, 35, 60}), (std::vector<std::string>{"1x", "10x", "100x"}));
  EXPECT_EQ(axis({0.05, 0.3, 2}), (std::vector<std::string>{"0.01x", "0.1x", "1x", "10x"}));
  EXPECT_EQ(axis({1.5, 2.5}), (std::vector<std::string>{"1x", "10x"}));
}

// The crossover chart (speedup vs size, log scale): one row per swept size,
// the 1x (':') and target ('|') marks in the same column on every row, longer
// bars for larger speedups, '-' for a size whose speedup was not measured.
TEST(Reporters, ConsoleChartsSpeedupAgainstSize) {
  report r;
  for (auto [n, v, verdict] : {std::tuple<int64_t, double, const char*>{1024, 0.5, "fail"},
                               {4096, 2.0, "fail"},
                               {16384, 0.0, "not_measured"},
                               {65536, 6.0, "pass"}}) {
    speedup_result s{"reduce", {{"op", "sum"}, {"n", n}}, "custom", "end_to_end", v, {v * 0.9, v * 1.1}, 4.22,
                     verdict, ""};
    r.speedups.push_back(s);
  }
  r.crossovers = compute_crossovers(r);
  const std::string text = render("console", r);
  const auto at = text.find("speedup vs size");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(text.find("break-even: 4096, target: 65536", at), std::string::npos);
  std::istringstream lines(text.substr(at));
  std::string line;
  std::map<int64_t, std::string> bars, values;
  while (std::getline(lines, line)) {
    // "    n      <size> <50-column bar> <value>"
    if (line.rfind("    n ", 0) != 0) continue;
    const int64_t n = std::stoll(line.substr(10, 13));
    bars[n] = line.substr(24, 50);
    values[n] = line.substr(75);
  }
  ASSERT_EQ(bars.size(), 4u) << text;
  const size_t one = bars[1024].find(':'), target = bars[1024].find('|');
  ASSERT_NE(one, std::string::npos);
  ASSERT_NE(target, std::string::npos);
  EXPECT_LT(one, target);
  const auto hashes = [](const std::string& b) { return std::count(b.begin(), b.end(), '#'); };
  for (const auto& [n, b] : bars) {
    EXPECT_EQ(b.find(':'), one) << n;
    EXPECT_EQ(b.find('|'), target) << n;
  }
  EXPECT_LT(bars[1024].find_last_of('#'), one);     // 0.5x stops short of 1x
  EXPECT_GT(bars[4096].find_last_of('#'), one);     // 2x passes 1x ...
  EXPECT_LT(bars[4096].find_last_of('#'), target);  // ... not the target
  EXPECT_GT(bars[65536].find_last_of('#'), target);  // 6x: just past 4.22x on this scale
  EXPECT_LT(hashes(bars[1024]), hashes(bars[4096]));
  EXPECT_LT(hashes(bars[4096]), hashes(bars[65536]));
  EXPECT_EQ(hashes(bars[16384]), 0);
  EXPECT_EQ(values[16384], "-");
  EXPECT_EQ(values[4096], "2.00x");
}

// A GPU machine's report: the GPU-only sections filled by the functions that
// fill them on a GPU (measure_peaks with a device's probe, cold_start_json),
// fallback entries of injected faults, the driver's device memory figures.
// No GPU has written a report yet, so this is where the reader first sees
// them: the report must read back losslessly and render in every format.
TEST(Reporters, AGpuMachinesReportReadsBackAndRendersInEveryFormat) {
  report r = sample_report();
  gpu_probe g;
  g.built_with_cuda = g.usable = true;
  g.gpus.push_back({"Test H100", "9.0", 132, uint64_t(80) << 30, 1980, 3352.3, "00000000:3B:00.0"});
  r.system.cuda_built = true;
  r.system.gpus = g.gpus;
  r.system.peaks = measure_peaks(g, 0, [](int) { return gpu::gpu_peaks{2900, 3050, 51000, 50, 52}; });
  ASSERT_TRUE(r.system.peaks["gpu"].is_object());
  EXPECT_NEAR(r.system.peaks["gpu_datasheet"]["fp32_gflops"].get<double>(), 132 * 128 * 2 * 1.98, 1e-6);
  r.cold_start = cold_start_json({1.5e8, 6e7, 2.5e7, {{"sgemm_bias_act_thin", 4.1e5}}, {{"sgemm_bias_act_thin", 9e3}}});
  r.run_time_s = {{"ceilings", 1.0},
                  {"cases", {{"cpu_rounds_here", 10.0}, {"other", 0.5}}},
                  {"timed_samples", 8.0},
                  {"total", 12.0}};
  r.cases[1].memory = case_memory{123456, uint64_t(600) << 20, uint64_t(700) << 20, uint64_t(1) << 30};
  json back_to_gpu = fallback_entry("alloc", true, "injected fault: device allocation refused");
  back_to_gpu["recovered_after_fault"] = true;
  back_to_gpu["leaked_device_bytes"] = 0;
  json stuck = back_to_gpu;
  stuck["trigger"] = "sync";
  stuck["recovered_after_fault"] = false;
  stuck["leaked_device_bytes"] = 4096;
  r.fallback = {{"requests_min", 20}, {"entries", {back_to_gpu, stuck}}};
  // The capacity check on a real card: the computed batch did not allocate
  // (the driver rounds every buffer up to its page), a bisection found one that did.
  r.capacity = {{"measured", true},
                {"largest_batch", 1000000},
                {"basis_bytes", 8.0e10},
                {"basis", "device_free_bytes"},
                {"checked_by_allocation", false},
                {"largest_allocated_batch", 999000}};
  apply_roofline(r);
  EXPECT_TRUE(r.cases[1].pct_of_peak.has_value());  // against the GPU's measured ceiling

  const json j = to_json(r);
  const report back = report_from_json(json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
  for (const auto& f : known_formats()) EXPECT_NO_THROW(render(f, back)) << f;
  const std::string console = render("console", back);
  EXPECT_NE(console.find("GPU cold start: context 150.00 ms, loading cuBLAS 60.00 ms, cuBLAS handle 25.00 ms; "
                         "first launch: sgemm_bias_act_thin 410.00 us"),
            std::string::npos)
      << console;
  // The memory ceiling: the better of the copy (2900) and the read (3050).
  EXPECT_NE(console.find("GPU 3050 GB/s, 51000 GFLOP/s, PCIe H2D 50.0 GB/s"), std::string::npos) << console;
  EXPECT_NE(console.find("\nrun time 12.0 s: cases 10.5 s (cpu rounds here 10.0 s, other 0.5 s; 8.0 s inside timed "
                         "regions), ceilings 1.0 s\n"),
            std::string::npos)
      << console;
  EXPECT_NE(console.find("  GPU back\n"), std::string::npos) << console;
  EXPECT_NE(console.find("  GPU NOT back, 4.0 KiB leaked\n"), std::string::npos) << console;
  const std::string html = render("html", back);
  EXPECT_NE(html.find("<td>GPU NOT back, 4.0 KiB leaked</td>"), std::string::npos);
  EXPECT_NE(html.find("<p>GPU cold start: context 150.00 ms,"), std::string::npos);
  EXPECT_NE(html.find("<p>MLP capacity: largest batch 1000000"), std::string::npos);
  // Markdown (a pull-request comment) carries the same three: device peak per
  // GPU case, the fallback table, cold start and capacity.
  const std::string md = render("md", back);
  EXPECT_NE(md.find("| gpu custom kernel | 100.0 ns |"), std::string::npos) << md;
  EXPECT_NE(md.find(" | 120.6 KiB | 10.00x [9.00, 11.00] |"), std::string::npos) << md;
  EXPECT_NE(md.find("### CPU fallback latency"), std::string::npos) << md;
  EXPECT_NE(md.find("| sync | 1 | cpu | 160.00 ms | 2.05 us | 3.00 us | 2.00 us | 50.0 ns (2.5%) | yes | "
                    "GPU NOT back, 4.0 KiB leaked |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("\nGPU cold start: context 150.00 ms"), std::string::npos) << md;
  EXPECT_NE(md.find("\nMLP capacity: largest batch 1000000"), std::string::npos) << md;
  EXPECT_NE(console.find("MLP capacity: largest batch 1000000 within 74.51 GiB (device_free_bytes), "
                         "allocation check FAILED; the largest batch that allocated: 999000"),
            std::string::npos)
      << console;

  // A GPU-only field of the wrong type is an input error that names it.
  const auto refused = [&](const std::string& pointer, const json& value, const std::string& field) {
    json bad = j;
    bad[json::json_pointer(pointer)] = value;
    try {
      report_from_json(bad);
      ADD_FAILURE() << pointer << " accepted";
    } catch (const input_error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  refused("/fallback/entries/1/recovered_after_fault", "no", "fallback.entries[1].recovered_after_fault");
  refused("/fallback/entries/0/leaked_device_bytes", -1, "fallback.entries[0].leaked_device_bytes");
  refused("/system/peaks/gpu/d2d_gb_per_s", "fast", "system.peaks.gpu.d2d_gb_per_s");
  refused("/system/peaks/gpu/read_gb_per_s", "fast", "system.peaks.gpu.read_gb_per_s");
  refused("/system/peaks/cpu/update_gb_per_s", nullptr, "system.peaks.cpu.update_gb_per_s");
  refused("/cold_start/context_ns", nullptr, "cold_start.context_ns");
  refused("/cold_start/cublas_load_ns", "slow", "cold_start.cublas_load_ns");
  refused("/run_time_s/cases/other", -1, "run_time_s.cases.other");
  refused("/run_time_s/total", "long", "run_time_s.total");
  refused("/capacity/largest_allocated_batch", 9.5, "capacity.largest_allocated_batch");
}

// A GPU whose ceilings cannot be measured (say, out of memory) still gets its
// datasheet figures, and the reason instead of the measured ones.
TEST(Reporters, PeaksOfAGpuThatFailsToMeasure) {
  gpu_probe g;
  g.built_with_cuda = g.usable = true;
  g.gpus.push_back({"Test H100", "9.0", 132, uint64_t(80) << 30, 1980, 3352.3, ""});
  const json p = measure_peaks(g, 0, [](int) -> gpu::gpu_peaks { throw gpu_error("out of memory"); });
  EXPECT_TRUE(p["gpu"].is_null());
  EXPECT_EQ(p["gpu_reason"], "GPU ceilings not measured: out of memory");
  EXPECT_NEAR(p["gpu_datasheet"]["memory_gb_per_s"].get<double>(), 3352.3, 1e-9);
  report r;
  r.system.peaks = p;
  EXPECT_NO_THROW(report_from_json(to_json(r)));
}
