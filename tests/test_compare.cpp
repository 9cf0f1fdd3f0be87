// bench/compare.cpp: the U test against known answers, and the classes on
// synthetic sample sets.
#include <gtest/gtest.h>

#include <sstream>

#include "compare.hpp"
#include "reporters/format_util.hpp"
#include "trend.hpp"
#include "rng.hpp"

using namespace accel;

namespace {

std::vector<double> noisy(size_t n, double center, uint64_t seed) {
  rng r(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = center * (1 + 0.01 * r.normal());
  return v;
}

report with_case(const std::string& variant, std::vector<double> samples) {
  report r;
  case_result c;
  c.workload = "reduce";
  c.params = {{"n", 1024}};
  c.backend = "gpu";
  c.variant = variant;
  c.timing = "kernel";
  c.samples_ns = std::move(samples);
  c.stats = summarize(c.samples_ns);
  r.cases.push_back(c);
  return r;
}

}  // namespace

// Exact answers for small samples without ties: counted over every ordering
// (scipy's mannwhitneyu(method="exact") gives the same).
TEST(MannWhitney, ExactForSmallSamples) {
  // Fully separated 5 vs 5: U = 0 in 1 of C(10,5) = 252 orderings, two-sided 2/252.
  const std::vector<double> a{1, 2, 3, 4, 5}, b{6, 7, 8, 9, 10};
  EXPECT_NEAR(mann_whitney_p(a, b), 2.0 / 252, 1e-12);
  EXPECT_NEAR(mann_whitney_p(b, a), 2.0 / 252, 1e-12);  // two-sided: symmetric
  // Interleaved: U = 10, P(U <= 10) = 87/252.
  const std::vector<double> c{1, 3, 5, 7, 9}, d{2, 4, 6, 8, 10};
  EXPECT_NEAR(mann_whitney_p(c, d), 174.0 / 252, 1e-12);
  // 3 vs 3 can never reach p < 0.05 (2/20); 4 vs 4 can (2/70).
  EXPECT_NEAR(mann_whitney_p(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}), 0.1, 1e-12);
  EXPECT_NEAR(mann_whitney_p(std::vector<double>{1, 2, 3, 4}, std::vector<double>{5, 6, 7, 8}), 2.0 / 70, 1e-12);
  // Unequal sizes, U = 5 of 42: 19/858 by enumeration of C(13,6) = 1716 orderings.
  const std::vector<double> e{3.1, 1.2, 5.5, 2.0, 4.4, 0.3}, f{6.0, 2.5, 7.7, 8.1, 9.9, 10.2, 4.0};
  EXPECT_NEAR(mann_whitney_p(e, f), 38.0 / 1716, 1e-12);
}

// Ties or more than 20 values a side: the normal approximation with
// continuity correction (scipy's method="asymptotic").
TEST(MannWhitney, NormalApproximationForTiesAndLargeSamples) {
  // 21 vs 21 fully separated: U = 0, sd = sqrt(21 * 21 * 43 / 12) = 39.7524,
  // z = (220.5 - 0.5) / 39.7524 = 5.53426, p = erfc(z / sqrt 2) = 3.1254e-8.
  std::vector<double> lo(21), hi(21);
  for (int i = 0; i < 21; ++i) lo[size_t(i)] = i, hi[size_t(i)] = 100 + i;
  EXPECT_NEAR(mann_whitney_p(lo, hi) / 3.1254e-8, 1.0, 1e-3);
  // {1,2,2} vs {2,3,4}: one tie group of three (t^3 - t = 24), U = 1 (ties
  // count half), var = 9 / 12 * (7 - 24 / 30) = 4.65,
  // z = (|1 - 4.5| - 0.5) / 2.15639 = 1.39122, p = 0.164160.
  EXPECT_NEAR(mann_whitney_p(std::vector<double>{1, 2, 2}, std::vector<double>{2, 3, 4}), 0.164160, 2e-6);
  const std::vector<double> same{2, 2, 2}, same2{2, 2, 2};
  EXPECT_EQ(mann_whitney_p(same, same2), 1.0);  // all tied
}

TEST(Compare, IdenticalDistributionsAreSame) {
  const auto base = with_case("custom", noisy(200, 1000, 1)), cand = with_case("custom", noisy(200, 1000, 2));
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].cls, "same") << c.changes[0].ratio_ci95.lo << " " << c.changes[0].ratio_ci95.hi;
  EXPECT_FALSE(c.changes[0].fail);
}

// The console and the HTML chart name each case in full (both cut names at
// 70 characters), and the chart starts the ratio axis after the longest
// name, about 0.6 em a character.
TEST(Compare, ConsoleAndHtmlNameEachCaseInFull) {
  auto base = with_case("custom", noisy(50, 1000, 1)), cand = with_case("custom", noisy(50, 1000, 2));
  std::string layers;
  for (int i = 0; i < 12; ++i) layers += (i ? ",4096" : "4096");
  base.cases[0].params["layers"] = cand.cases[0].params["layers"] = layers;
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  std::ostringstream html;
  write_comparison_html(c, {}, html);
  std::ostringstream console;
  write_comparison_console(c, {}, console);
  EXPECT_NE(console.str().find("  " + c.changes[0].id + " "), std::string::npos) << console.str();
  const std::string h = html.str(), name = "<text x='0' y='14'>" + c.changes[0].id + "</text>";
  ASSERT_NE(h.find(name), std::string::npos) << h;
  const std::string band = "<rect x='";
  const double axis_start = std::stod(h.substr(h.find(band) + band.size()));
  EXPECT_GE(axis_start, 0.6 * 10 * double(c.changes[0].id.size()));
}

TEST(Compare, TwentyPercentShiftIsSlowerAndFails) {
  const auto base = with_case("custom", noisy(50, 1000, 3)), cand = with_case("custom", noisy(50, 1200, 4));
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].cls, "slower");
  EXPECT_NEAR(c.changes[0].ratio, 1.2, 0.02);
  EXPECT_TRUE(c.changes[0].fail);
  const auto back = compare_reports(cand, base, {});
  EXPECT_EQ(back.changes[0].cls, "faster");
  EXPECT_FALSE(back.changes[0].fail);
}

TEST(Compare, SmallSamplesAreAmbiguousNotSignificant) {
  const auto base = with_case("custom", {1000, 1300}), cand = with_case("custom", {1100, 1400});
  EXPECT_EQ(compare_reports(base, cand, {}).changes[0].cls, "ambiguous");
}

// A shift far outside the noise band is still no class when the U test
// cannot call it: 3 vs 3 samples never reach p < 0.05 (best p = 0.1).
TEST(Compare, NoClassWithoutSignificanceEvenFarOutsideTheNoise) {
  const auto base = with_case("custom", {1000, 1001, 1002}), cand = with_case("custom", {1200, 1201, 1202});
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_GT(c.changes[0].ratio_ci95.lo, 1.1);
  EXPECT_NEAR(c.changes[0].p_value, 0.1, 1e-12);
  EXPECT_EQ(c.changes[0].cls, "ambiguous");
  EXPECT_FALSE(c.changes[0].fail);
}

// 7 % slower: past --warn (5 %), short of --fail (10 %).
TEST(Compare, SlowdownBetweenWarnAndFailOnlyWarns) {
  const auto base = with_case("custom", noisy(50, 1000, 7)), cand = with_case("custom", noisy(50, 1070, 8));
  const auto c = compare_reports(base, cand, {});
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].cls, "slower");
  EXPECT_TRUE(c.changes[0].warn);
  EXPECT_FALSE(c.changes[0].fail);
}

TEST(Compare, UnmatchedCasesAreListedOnBothSides) {
  const auto base = with_case("custom", noisy(20, 1000, 5)), cand = with_case("cub", noisy(20, 1000, 6));
  const auto c = compare_reports(base, cand, {});
  EXPECT_TRUE(c.changes.empty());
  ASSERT_EQ(c.only_in_base.size(), 1u);
  ASSERT_EQ(c.only_in_candidate.size(), 1u);
  EXPECT_NE(c.only_in_base[0].find("custom"), std::string::npos);
  const json j = comparison_json(c, {});
  EXPECT_EQ(j["only_in_candidate"].size(), 1u);
}

namespace {

// One machine's report: a memory-bound GPU kernel case at `gpu_ns`, the CPU
// case on all `threads` threads, and the machine's measured ceilings.
report machine(const std::string& gpu, double d2d_gb_per_s, double gpu_ns, int threads, uint64_t seed) {
  report r = with_case("custom", noisy(40, gpu_ns, seed));
  r.cases[0].bound = "memory";
  r.system.cpu_model = "Test CPU";
  r.system.cpu_threads_used = threads;
  r.system.gpus.push_back({gpu, "9.0", 132, 80ull << 30, 1980, 3352, ""});
  r.system.peaks = {{"cpu", {{"triad_gb_per_s", 20.0}, {"fma_gflops", 200.0}}},
                    {"gpu", {{"d2d_gb_per_s", d2d_gb_per_s}, {"fma_gflops", 50000.0}}}};
  case_result cpu = r.cases[0];
  cpu.backend = "cpu";
  cpu.variant = "eigen";
  cpu.timing = "cpu";
  cpu.threads = threads;
  cpu.samples_ns = noisy(40, 10 * gpu_ns, seed + 100);
  cpu.stats = summarize(cpu.samples_ns);
  r.cases.push_back(cpu);
  r.speedups.push_back({"reduce", r.cases[0].params, "custom", "kernel", 10, {9.5, 10.5}, 4.22, "pass", ""});
  return r;
}

}  // namespace

// The CPU ceilings are measured on all threads: a 1-thread case is bound by
// one core, so a machine with twice the bandwidth in all promises it nothing.
// (Seen: the 16-core H100 machine against the 2-vCPU VM flagged every
// single-threaded std scan and sort "short of the ceilings".)
TEST(Compare, SingleThreadedCpuCasesGetNoCeilingRatio) {
  report a = machine("H100", 3000, 1000, 16, 7), b = machine("H200", 4200, 1000, 16, 8);
  b.system.peaks["cpu"]["triad_gb_per_s"] = 40.0;
  for (report* r : {&a, &b}) {
    r->system.peaks["cpu"]["threads"] = 16;
    case_result one = r->cases[1];
    one.variant = "std";
    one.threads = 1;
    r->cases.push_back(one);
  }
  const comparison c = compare_reports(a, b, {});
  int seen = 0;
  for (const auto& g : c.generation) {
    if (g.backend != "cpu") continue;
    ++seen;
    if (g.id.find("/std/") != std::string::npos) {
      EXPECT_EQ(g.ceiling_ratio, 0) << g.id;
      EXPECT_FALSE(g.short_of_ceiling) << g.id;
    } else {
      EXPECT_NEAR(g.ceiling_ratio, 2.0, 1e-9) << g.id;
      EXPECT_TRUE(g.short_of_ceiling) << g.id;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST(Compare, HardwareGenerationsSetSpeedBesideTheCeilings) {
  // The candidate GPU has 1.4x the bandwidth; its kernel got only 1.1x faster.
  const report h100 = machine("H100", 3000, 1000, 16, 7), h200 = machine("H200", 4200, 1000 / 1.1, 16, 8);
  const comparison c = compare_reports(h100, h200, {});
  ASSERT_TRUE(c.different_hardware);
  ASSERT_EQ(c.generation.size(), 2u);
  const generation_row& g = c.generation[0].backend == "gpu" ? c.generation[0] : c.generation[1];
  EXPECT_NEAR(g.speed_ratio, 1.1, 0.02);
  EXPECT_NEAR(g.ceiling_ratio, 1.4, 1e-9);
  EXPECT_TRUE(g.short_of_ceiling);
  ASSERT_EQ(c.speedups.size(), 1u);
  // One that keeps up with its ceilings is not flagged.
  const report fast = machine("H200", 4200, 1000 / 1.38, 16, 9);
  for (const auto& row : compare_reports(h100, fast, {}).generation)
    if (row.backend == "gpu") {
      EXPECT_FALSE(row.short_of_ceiling);
    }
  std::ostringstream md, html, console;
  write_comparison_markdown(c, {}, md);
  write_comparison_html(c, {}, html);
  write_comparison_console(c, {}, console);
  EXPECT_NE(md.str().find("short of the ceilings"), std::string::npos);
  // The console names both machines, sets the GPU row's speed beside its
  // ceilings' ratio with the flag, and lists the speedup's change.
  const std::string text = console.str();
  EXPECT_NE(text.find("hardware: base Test CPU / H100  ->  candidate Test CPU / H200"), std::string::npos) << text;
  const auto row = text.find("1.40x");
  ASSERT_NE(row, std::string::npos) << text;
  const std::string gpu_row = text.substr(text.rfind('\n', row) + 1, text.find('\n', row) - text.rfind('\n', row) - 1);
  EXPECT_NE(gpu_row.find("1.10x"), std::string::npos) << gpu_row;
  EXPECT_NE(gpu_row.find("memory"), std::string::npos) << gpu_row;
  EXPECT_NE(gpu_row.find("SHORT of what the ceilings promise"), std::string::npos) << gpu_row;
  EXPECT_NE(text.find("speedup "), std::string::npos) << text;
  EXPECT_NE(text.find("(the reports come from different hardware)"), std::string::npos) << text;
  EXPECT_NE(html.str().find("Hardware generations"), std::string::npos);
  EXPECT_EQ(comparison_json(c, {})["generation"].size(), 2u);
}

// Two machines' reports from two builds: the ratios mix the code's changes
// with the hardware's, and every format says so. Two builds on one machine is
// the ordinary comparison of a change, and one build on two machines a
// comparison of the hardware alone: no note for either.
TEST(Compare, HardwareFromDifferentBuildsSaysTheRatiosMixCodeAndHardware) {
  report h100 = machine("H100", 3000, 1000, 16, 7), h200 = machine("H200", 4200, 1000 / 1.1, 16, 8);
  h100.tool_version = h200.tool_version = "0.1.0";
  h100.git_sha = "761fce10f5aa-dirty";
  h200.git_sha = "442dbbc0c0de";
  const comparison c = compare_reports(h100, h200, {});
  ASSERT_TRUE(c.different_build);
  EXPECT_EQ(c.base_build, "accelbench 0.1.0 761fce10f5aa-dirty");
  const std::string note = mixed_builds_note(c);
  EXPECT_NE(note.find("mixes the code's changes with the hardware's"), std::string::npos) << note;
  std::ostringstream md, html, console;
  write_comparison_markdown(c, {}, md);
  write_comparison_html(c, {}, html);
  write_comparison_console(c, {}, console);
  for (const std::string& text : {md.str(), html.str(), console.str()})
    EXPECT_NE(text.find("different builds (base accelbench 0.1.0 761fce10f5aa-dirty, candidate accelbench 0.1.0 "
                        "442dbbc0c0de)"),
              std::string::npos)
        << text;
  const json j = comparison_json(c, {});
  EXPECT_TRUE(j["different_build"].get<bool>());
  EXPECT_EQ(j["candidate_build"], "accelbench 0.1.0 442dbbc0c0de");

  report again = h100;
  again.git_sha = h200.git_sha;
  EXPECT_TRUE(compare_reports(h100, again, {}).different_build);
  EXPECT_EQ(mixed_builds_note(compare_reports(h100, again, {})), "");  // one machine, two builds
  again = h200;
  again.system.gpus[0].name = "H100";
  EXPECT_EQ(mixed_builds_note(compare_reports(again, h200, {})), "");  // one build, two machines
  std::ostringstream plain;
  write_comparison_console(compare_reports(again, h200, {}), {}, plain);
  EXPECT_EQ(plain.str().find("different builds"), std::string::npos) << plain.str();
}

// With code digests in both reports (tool.sources) the comparison says which
// code the builds share, and each hardware row whether its ratio is the
// hardware's alone: its workload's path and the harness the same in both.
TEST(Compare, CodeDigestsSayWhichRatiosAreTheHardwaresAlone) {
  report h100 = machine("H100", 3000, 1000, 16, 7), h200 = machine("H200", 4200, 1000 / 1.1, 16, 8);
  h100.git_sha = "aaaa";
  h200.git_sha = "bbbb";
  h100.sources = {{"harness", "1"}, {"reduce/cpu", "2"}, {"reduce/gpu", "3"}};
  h200.sources = {{"harness", "1"}, {"reduce/cpu", "2"}, {"reduce/gpu", "4"}, {"scan/gpu", "5"}};
  const comparison c = compare_reports(h100, h200, {});
  EXPECT_EQ(c.code_changed, (std::vector<std::string>{"reduce/gpu", "scan/gpu"}));
  EXPECT_EQ(c.code_same, (std::vector<std::string>{"harness", "reduce/cpu"}));
  ASSERT_EQ(c.generation.size(), 2u);
  for (const generation_row& g : c.generation) EXPECT_EQ(g.code, g.backend == "gpu" ? "changed" : "same") << g.id;
  const std::string code = "code that differs between the two builds (tool.sources): reduce/gpu, scan/gpu; the same "
                           "in both: harness, reduce/cpu";
  EXPECT_EQ(code_note(c), code);
  EXPECT_NE(mixed_builds_note(c).find("only cases whose code is the same in both"), std::string::npos);
  std::ostringstream md, html, console;
  write_comparison_markdown(c, {}, md);
  write_comparison_html(c, {}, html);
  write_comparison_console(c, {}, console);
  for (const std::string& text : {md.str(), html.str(), console.str()}) EXPECT_NE(text.find(code), std::string::npos);
  EXPECT_NE(md.str().find("| code |"), std::string::npos) << md.str();
  const json j = comparison_json(c, {});
  EXPECT_EQ(j["code_changed"], json({"reduce/gpu", "scan/gpu"}));
  for (const json& g : j["generation"]) EXPECT_TRUE(g["code"] == "same" || g["code"] == "changed") << g;

  // On one machine (an A/B of two builds) each case says whether its code changed, and the
  // summary counts the significant changes on unchanged code: the machine's or the run's doing.
  report again = h100;
  again.git_sha = "bbbb";
  again.sources = h200.sources;
  const comparison ab = compare_reports(h100, again, {});
  ASSERT_EQ(ab.changes.size(), 2u);
  for (const case_change& ch : ab.changes) EXPECT_EQ(ch.code, ch.id.find("/gpu/") != std::string::npos ? "changed" : "same");
  std::ostringstream ab_console, ab_md;
  write_comparison_console(ab, {}, ab_console);
  write_comparison_markdown(ab, {}, ab_md);
  EXPECT_NE(ab_console.str().find("(code changed)"), std::string::npos) << ab_console.str();
  EXPECT_NE(ab_console.str().find(" faster or slower cases have the same code in both builds"), std::string::npos);
  EXPECT_NE(ab_md.str().find("| class | code |"), std::string::npos) << ab_md.str();
  EXPECT_EQ(comparison_json(ab, {})["changes"][0]["code"], ab.changes[0].code);

  // A changed harness leaves no ratio the hardware's alone.
  h200.sources["harness"] = "9";
  for (const generation_row& g : compare_reports(h100, h200, {}).generation) EXPECT_EQ(g.code, "changed") << g.id;
  // One build: the same code by definition. A report without digests: unknown, and the old note.
  EXPECT_EQ(compare_reports(h100, machine("H200", 4200, 900, 16, 8), {}).generation[0].code, "");
  report same_build = h200;
  same_build.git_sha = h100.git_sha;
  same_build.sources = h100.sources;
  for (const generation_row& g : compare_reports(h100, same_build, {}).generation) EXPECT_EQ(g.code, "same");
  EXPECT_EQ(code_note(compare_reports(h100, same_build, {})), "");
  // Two "-dirty" builds of one commit share a name, not necessarily their code: the digests decide.
  h100.git_sha = same_build.git_sha = "aaaa-dirty";
  same_build.sources["reduce/gpu"] = "7";
  const comparison dirty = compare_reports(h100, same_build, {});
  ASSERT_FALSE(dirty.different_build);
  EXPECT_EQ(dirty.code_changed, std::vector<std::string>{"reduce/gpu"});
  EXPECT_NE(code_note(dirty), "");
  for (const generation_row& g : dirty.generation) EXPECT_EQ(g.code, g.backend == "gpu" ? "changed" : "same");
  same_build.sources.clear();
  EXPECT_EQ(compare_reports(h100, same_build, {}).generation[0].code, "");  // a dirty name, no digests: unknown
  h100.git_sha = "aaaa";
  h200.sources.clear();
  const comparison unknown = compare_reports(h100, h200, {});
  EXPECT_EQ(code_note(unknown), "");
  EXPECT_NE(mixed_builds_note(unknown).find("every ratio mixes"), std::string::npos);
  EXPECT_TRUE(comparison_json(unknown, {})["code_changed"].is_null());
}

// End-to-end GPU times depend on PCIe as much as on the GPU: no ceiling ratio,
// so never "short of the ceilings". A speedup not measured on one side is
// left out of the speedup list.
TEST(Compare, EndToEndRowsHaveNoCeilingAndUnmeasuredSpeedupsAreLeftOut) {
  report base = machine("H100", 3000, 1000, 16, 12), cand = machine("H200", 4200, 1000 / 1.1, 16, 13);
  for (report* r : {&base, &cand}) {
    r->cases[0].timing = "end_to_end";
    r->speedups[0].timing = "end_to_end";
  }
  cand.speedups[0].verdict = "not_measured";
  const comparison c = compare_reports(base, cand, {});
  ASSERT_EQ(c.generation.size(), 2u);
  const generation_row& g = c.generation[0].backend == "gpu" ? c.generation[0] : c.generation[1];
  ASSERT_EQ(g.backend, "gpu");
  EXPECT_NEAR(g.speed_ratio, 1.1, 0.02);
  EXPECT_EQ(g.ceiling_ratio, 0.0);
  EXPECT_FALSE(g.short_of_ceiling);
  EXPECT_TRUE(c.speedups.empty());
}

TEST(Compare, AllThreadsCpuCasesMatchAcrossThreadCounts) {
  // --cpu-threads 1 against all cores: the planted change the self-check uses.
  const report all = machine("H100", 3000, 1000, 16, 10), one = machine("H100", 3000, 1000, 1, 11);
  const comparison c = compare_reports(all, one, {});
  EXPECT_TRUE(c.only_in_base.empty());
  EXPECT_TRUE(c.only_in_candidate.empty());
  bool matched = false;
  for (const auto& ch : c.changes) matched |= ch.id.find("/cpu/all") != std::string::npos;
  EXPECT_TRUE(matched);
}

// Past a pull-request comment's 65,536 characters the Markdown shortens
// itself and says so: first the cases classed same go, then the changes table
// keeps only the cases that warn or fail (the hardware table whole), then the
// hardware table only the cases short of the ceilings. 150 points on two GPU
// generations: the candidate faster everywhere but at one point.
TEST(Compare, MarkdownShortensItselfToFitAComment) {
  const auto many = [](report one, int points) {
    report r = one;
    r.cases.clear();
    r.speedups.clear();
    for (int i = 0; i < points; ++i) {
      for (case_result c : one.cases) {
        c.params = {{"op", "sum"}, {"rows", 1}, {"n", 1048576 + i}};
        r.cases.push_back(c);
      }
      speedup_result s = one.speedups[0];
      s.params = {{"op", "sum"}, {"rows", 1}, {"n", 1048576 + i}};
      r.speedups.push_back(s);
    }
    return r;
  };
  const report base = many(machine("H100", 3000, 1000, 16, 10), 150);
  report cand = many(machine("H200", 4800, 700, 16, 11), 150);
  cand.cases[0].samples_ns = noisy(40, 1500, 12);  // one point's GPU case slower: it warns and fails
  cand.cases[0].stats = summarize(cand.cases[0].samples_ns);
  const comparison c = compare_reports(base, cand, {});
  std::ostringstream md;
  write_comparison_markdown(c, {}, md);
  const std::string text = md.str();
  EXPECT_LE(utf8_characters(text), kCommentCharacters);
  EXPECT_NE(text.find("_Shortened to fit in 65536 characters (a pull-request comment's limit): the changes table "
                      "lists only the cases that warn or fail; "),
            std::string::npos)
      << text.substr(0, 400);
  EXPECT_NE(text.find("❌ slower"), std::string::npos);
  EXPECT_EQ(text.find("| faster |"), std::string::npos) << "no faster case in the changes table";
  size_t rows = 0;
  for (size_t p = text.find("\n| reduce/"); p != std::string::npos; p = text.find("\n| reduce/", p + 1)) ++rows;
  EXPECT_GE(rows, 1 + 2 * 150u) << "the slower case, then every case of the hardware table";
  // The same two reports a tenth as large: everything, nothing said.
  std::ostringstream small;
  write_comparison_markdown(compare_reports(many(machine("H100", 3000, 1000, 16, 10), 15),
                                            many(machine("H200", 4800, 700, 16, 11), 15), {}),
                            {}, small);
  EXPECT_EQ(small.str().find("Shortened"), std::string::npos);
  EXPECT_NE(small.str().find("| faster |"), std::string::npos);
}

// A warm run against a cold one (--cache) says so in every format; a report
// from before the option was warm.
TEST(Compare, ADifferentCacheModeIsNamed) {
  const report base = machine("H100", 3000, 1000, 16, 10);
  report cand = machine("H100", 3000, 1000, 16, 11);
  cand.config["cache"] = "cold";
  const comparison c = compare_reports(base, cand, {});
  EXPECT_EQ(c.base_cache, "warm");
  EXPECT_EQ(c.cand_cache, "cold");
  const std::string note = "the base ran with warm caches and the candidate with cold ones (--cache): every ratio "
                           "measures that as well as the code";
  EXPECT_EQ(cache_note(c), note);
  std::ostringstream md, html, console;
  write_comparison_markdown(c, {}, md);
  write_comparison_html(c, {}, html);
  write_comparison_console(c, {}, console);
  for (const std::string& text : {md.str(), html.str(), console.str()})
    EXPECT_NE(text.find(note), std::string::npos) << text;
  EXPECT_EQ(comparison_json(c, {})["candidate_cache"], "cold");
  report cold_base = base;
  cold_base.config["cache"] = "cold";
  EXPECT_EQ(cache_note(compare_reports(cold_base, cand, {})), "");
}

// Two runs whose CPU sides differ (threads, an affinity mask, a quota) say so
// in every format: a CPU case's ratio then measures that too.
TEST(Compare, ADifferentCpuSideIsNamed) {
  report base = machine("H100", 3000, 1000, 16, 10), cand = machine("H100", 3000, 1000, 4, 11);
  base.system.cpu_cores = cand.system.cpu_cores = 64;
  cand.system.cpu_allowed = 4;
  cand.system.cpu_quota = 2.5;
  const comparison c = compare_reports(base, cand, {});
  EXPECT_EQ(c.base_cpu_side, "16 threads");
  EXPECT_EQ(c.cand_cpu_side, "4 threads on 4 of 64 CPUs, a cgroup quota of 2.50 CPUs");
  const std::string note = cpu_side_note(c);
  EXPECT_EQ(note, "the CPU side differs between the runs (base: 16 threads; candidate: 4 threads on 4 of 64 CPUs, "
                  "a cgroup quota of 2.50 CPUs): the CPU cases' ratios and the speedups measure that as well as the code");
  std::ostringstream md, html, console;
  write_comparison_markdown(c, {}, md);
  write_comparison_html(c, {}, html);
  write_comparison_console(c, {}, console);
  for (const std::string& text : {md.str(), html.str(), console.str()})
    EXPECT_NE(text.find("the CPU side differs between the runs (base: 16 threads; "), std::string::npos) << text;
  EXPECT_EQ(comparison_json(c, {})["candidate_cpu_side"], c.cand_cpu_side);
  // The same CPU side: nothing to say.
  const comparison same = compare_reports(base, machine("H100", 3000, 1000, 16, 12), {});
  EXPECT_EQ(cpu_side_note(same), "");
  std::ostringstream plain;
  write_comparison_console(same, {}, plain);
  EXPECT_EQ(plain.str().find("CPU side differs"), std::string::npos) << plain.str();
}

TEST(Trend, SeriesFollowTheReportOrder) {
  const report a = machine("H100", 3000, 1000, 16, 12), b = machine("H200", 4200, 800, 16, 13);
  report c = machine("B200", 8000, 500, 8, 14);
  c.speedups[0].verdict = "not_measured";
  const trend t = build_trend({a, b, c}, {"a.json", "b.json", "c.json"});
  ASSERT_EQ(t.labels.size(), 3u);
  // Each report's hardware and CPU side: a step in the CPU cases can be the runner's.
  EXPECT_NE(t.labels[0].find("Test CPU / H100, CPU side 16 threads"), std::string::npos) << t.labels[0];
  EXPECT_NE(t.labels[2].find("Test CPU / B200, CPU side 8 threads"), std::string::npos) << t.labels[2];
  ASSERT_EQ(t.speedups.size(), 1u);
  EXPECT_FALSE(t.speedups[0].values[2].has_value());
  const trend_series* gpu = nullptr;
  for (const auto& s : t.medians_ns)
    if (s.id.find("/gpu/") != std::string::npos) gpu = &s;
  ASSERT_NE(gpu, nullptr);
  EXPECT_GT(*gpu->values[0], *gpu->values[2]);
  for (const char* f : {"console", "md", "html"}) {
    std::ostringstream o;
    write_trend(t, f, o);
    EXPECT_NE(o.str().find("c.json"), std::string::npos) << f;
  }
  std::ostringstream js;
  write_trend(t, "json", js);
  EXPECT_TRUE(json::parse(js.str())["speedups"][0]["values"][2].is_null());
  std::ostringstream sink;
  EXPECT_THROW(write_trend(t, "pdf", sink), input_error);
}

// A trend's Markdown past a pull-request comment's 65,536 characters puts
// the speedups first, the rows that moved most first, and cuts the time
// table at a row's end, saying so; one that fits keeps the time table first
// and the rows in order.
TEST(Trend, MarkdownPastACommentPutsSpeedupsFirstAndIsCut) {
  trend t;
  t.labels = {"a.json", "b.json", "c.json"};
  for (int i = 0; i < 2000; ++i)
    t.medians_ns.push_back({"reduce/op=sum rows=1 n=" + std::to_string(1048576 + i) + "/gpu/custom/kernel",
                            {1000.0, 900.0, 800.0}, {}, {false, false, false}});
  // The last row, which a cut in order would drop, moved most (2x slower,
  // then back); the one before it got 3x faster, which is a larger change.
  t.medians_ns[1998].values = {1000.0, 1000.0, 333.0};
  t.medians_ns[1999].values = {1000.0, 2000.0, 1000.0};
  for (int i = 0; i < 10; ++i)
    t.speedups.push_back({"reduce/op=sum rows=1 n=" + std::to_string(1048576 + i) + "/custom/kernel",
                          {10.0, 11.0, 12.0}, {}, {false, false, false}});
  std::ostringstream md;
  write_trend(t, "md", md);
  const std::string text = md.str();
  const size_t faster = text.find("| reduce/op=sum rows=1 n=" + std::to_string(1048576 + 1998) + "/"),
               slower = text.find("| reduce/op=sum rows=1 n=" + std::to_string(1048576 + 1999) + "/"),
               unmoved = text.find("| reduce/op=sum rows=1 n=1048576/gpu");
  ASSERT_NE(faster, std::string::npos);
  ASSERT_NE(slower, std::string::npos);
  EXPECT_LT(faster, slower);
  EXPECT_LT(slower, unmoved);  // 1048576's row (0.90, 0.80) moved less than 2x
  EXPECT_EQ(text.find("| reduce/op=sum rows=1 n=" + std::to_string(1048576 + 1997) + "/"), std::string::npos);
  EXPECT_NE(text.find("largest change first"), std::string::npos);
  EXPECT_LE(utf8_characters(text), kCommentCharacters);
  const size_t speedups = text.find("### Speedup"), times = text.find("### Median time per case");
  ASSERT_NE(speedups, std::string::npos);
  ASSERT_NE(times, std::string::npos);
  EXPECT_LT(speedups, times);
  EXPECT_NE(text.find("\n_Cut here to fit in 65536 characters: `--format html` or `--format json` shows everything._\n"),
            std::string::npos);
  t.medians_ns.resize(20);
  t.medians_ns[19].values = {1000.0, 5000.0, 1000.0};
  std::ostringstream small;
  write_trend(t, "md", small);
  EXPECT_LT(small.str().find("### Median time per case"), small.str().find("### Speedup"));
  EXPECT_EQ(small.str().find("Cut here"), std::string::npos);
  EXPECT_EQ(small.str().find("largest change first"), std::string::npos);
  EXPECT_LT(small.str().find("| reduce/op=sum rows=1 n=1048576/gpu"),
            small.str().find("| reduce/op=sum rows=1 n=" + std::to_string(1048576 + 19) + "/"));
}

// The HTML names the reports R1..Rn in its list and along each chart's x
// axis, and says so where no report measured a speedup instead of drawing
// an empty chart (reports from machines without a GPU).
TEST(Trend, HtmlNamesTheReportsAlongItsAxisAndSaysWhenNoSpeedupWasMeasured) {
  report a = machine("H100", 3000, 1000, 16, 12), b = machine("H100", 3000, 1000, 16, 13);
  const auto html_of = [](const std::vector<report>& reports) {
    std::ostringstream o;
    write_trend(build_trend(reports, {"a.json", "b.json"}), "html", o);
    return o.str();
  };
  std::string h = html_of({a, b});
  EXPECT_NE(h.find("<li>R2: b.json"), std::string::npos) << h;
  EXPECT_NE(h.find("text-anchor='middle'>R2</text>"), std::string::npos) << h;
  EXPECT_EQ(h.find("No speedup was measured"), std::string::npos);
  a.speedups.clear();
  b.speedups.clear();
  h = html_of({a, b});
  EXPECT_NE(h.find("No speedup was measured in these reports."), std::string::npos) << h;
}

// Over a branch's history, a '!' marks where a case's code changed (tool.sources):
// a jump there may be the code's. Reports without digests mark nothing.
TEST(Trend, MarksWhereACasesCodeChanged) {
  report a = machine("H100", 3000, 1000, 16, 15), b = machine("H100", 3000, 900, 16, 16),
         c = machine("H100", 3000, 900, 16, 17), d = machine("H100", 3000, 900, 16, 18);
  a.sources = {{"harness", "h"}, {"reduce/cpu", "c1"}, {"reduce/gpu", "g1"}};
  b.sources = {{"harness", "h"}, {"reduce/cpu", "c1"}, {"reduce/gpu", "g2"}};
  c.sources = b.sources;
  // d has no digests: unknown, so not marked.
  const trend t = build_trend({a, b, c, d}, {"a.json", "b.json", "c.json", "d.json"});
  for (const auto& s : t.medians_ns) {
    const bool gpu = s.id.find("/gpu/") != std::string::npos;
    EXPECT_EQ(s.code_changed, (std::vector<bool>{false, gpu, false, false})) << s.id;
  }
  ASSERT_EQ(t.speedups.size(), 1u);
  EXPECT_EQ(t.speedups[0].code_changed, (std::vector<bool>{false, true, false, false}));
  std::ostringstream console, js;
  write_trend(t, "console", console);
  write_trend(t, "json", js);
  // The GPU case's row carries one '!' (at R2), the CPU case's none.
  std::istringstream rows(console.str());
  for (std::string row; std::getline(rows, row);) {
    if (row.find("/gpu/") != std::string::npos) {
      EXPECT_EQ(std::count(row.begin(), row.end(), '!'), 1) << row;
    } else if (row.find("/cpu/") != std::string::npos) {
      EXPECT_EQ(row.find('!'), std::string::npos) << row;
    }
  }
  EXPECT_NE(console.str().find("! the case's code"), std::string::npos) << console.str();
  EXPECT_EQ(json::parse(js.str())["speedups"][0]["code_changed_at"], json({1}));
  // A harness change marks every series.
  c.sources["harness"] = "h2";
  for (const auto& s : build_trend({a, b, c}, {"a", "b", "c"}).medians_ns) EXPECT_TRUE(s.code_changed[2]) << s.id;
  std::ostringstream plain;
  write_trend(build_trend({a, d}, {"a", "d"}), "console", plain);
  EXPECT_EQ(plain.str().find('!'), std::string::npos) << plain.str();
}
