// The statistics' self-checks at small sizes, through the real binary
// (scripts/selfcheck.sh runs them on the quick suite):
//  A/A: two runs of the same build compared: no case faster or slower beyond
//       the noise threshold in >= 95 % of cases.
//  Planted change: all cores against --cpu-threads 1: every parallel CPU case
//       classified slower.
// They run alone (RUN_SERIAL): another test's load would be a real change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "cli_test_util.hpp"
#include "report.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

// Sizes where two cores clearly beat one, each case about 10 ms or less. (The MLP
// was at batch 256 first: Eigen's own two-thread GEMM gains only 1.2-1.4x
// there, and on CI a slow spell left it `ambiguous` in all three attempts.)
const char* kSuite = R"({"name": "selfcheck-small", "workloads": {
  "mlp": [{"batch": [1024], "layers": "256,512,256,16"}],
  "batched_gemm": [{"n": [32, 64], "batch": [2048]}],
  "sort": [{"kind": "keys", "dist": "uniform", "n": [1048576]}],
  "elementwise": [{"op": "gelu", "n": [4194304]}]}})";

// For A/A: every working set fits in this VM's caches (bigger ones drift
// more, and the radix sort's scatter most: up to 45 % at 64 Ki keys).
const char* kCachedSuite = R"({"name": "selfcheck-cached", "workloads": {
  "mlp": [{"batch": [16, 64], "layers": "128,256,128,16"}],
  "batched_gemm": [{"n": [16, 32], "batch": [64, 128]}],
  "reduce": [{"op": "sum", "n": [16384, 65536]}],
  "scan": [{"type": ["int32", "fp32"], "n": [16384, 65536]}],
  "elementwise": [{"op": ["saxpy", "gelu"], "n": [16384, 65536]}]}})";

// --backend cpu: these check the statistics on the CPU's timings; on a GPU
// machine the GPU cases would more than treble the cases and the time (an
// H100 run's A/A compared 68 cases, not 20, in 90 s an attempt).
const std::string kRule =
    " --backend cpu --no-fallback --force --min-time 0.2 --min-samples 20 --max-time 3 --max-noise 0.01";

std::string suite_file(const char* text = kSuite) {
  const std::string path = cli_test::temp_path("selfcheck_suite.json");
  std::ofstream(path) << text;
  return path;
}

// Under ASan the parallel paths run up to 4x slower than one thread (the
// instrumentation, not the code): timings of a sanitizer build prove nothing.
bool sanitized() {
#ifdef ACCELBENCH_SANITIZED
  return true;
#else
  return false;
#endif
}

json compare_json(const std::string& base, const std::string& cand, const std::string& options = "") {
  const auto r = cli_test::run_cli("compare " + base + " " + cand + " --format json" + options);
  EXPECT_TRUE(r.code == 0 || r.code == 1) << r.output;
  return json::parse(r.output.substr(r.output.find('{')));
}

}  // namespace

// Up to this many attempts of a self-check. This VM's speed swings by up to
// 2x for seconds at a time (README "Self-checks": a 16 Ki-int scan ran at
// 7.6 us in one process and 13 us in the next, and moved from 7.7 to 13 us
// between rounds of one run), so one attempt can meet a swing. A fault in
// the statistics or in compare fails every attempt; a swing rarely three in a
// row. Each failed attempt is printed.
constexpr int kAttempts = 3;

template <typename Attempt>  // returns "" when the check held, else what did not
void check_with_attempts(const char* name, Attempt attempt) {
  std::string failures;
  for (int i = 1; i <= kAttempts; ++i) {
    const std::string why = attempt();
    if (why.empty()) {
      if (!failures.empty()) std::cout << name << ": held on attempt " << i << " after:\n" << failures;
      return;
    }
    failures += "attempt " + std::to_string(i) + ":\n" + why;
  }
  ADD_FAILURE() << name << " failed " << kAttempts << " attempts:\n" << failures;
}

// Whole processes drift on shared 2-core VMs like CI's far beyond the default
// 2 % noise threshold (README "Self-checks" has the numbers), so this test
// runs single-threaded, in cache, and judges with --noise 0.5: it still fails
// when compare calls same-build runs different beyond that.
// scripts/selfcheck.sh measures a machine at the default threshold.
TEST(SelfCheck, AaRunsDoNotDiffer) {
  if (sanitized()) GTEST_SKIP() << "sanitizer build: its timings are the instrumentation's";
  const std::string suite = suite_file(kCachedSuite), a = cli_test::temp_path("aa1.json"), b = cli_test::temp_path("aa2.json");
  check_with_attempts("A/A", [&]() -> std::string {
    for (const auto& out : {a, b}) {
      const auto r = cli_test::run_cli("run --cpu-threads 1 --suite " + suite + " --out " + out + kRule);
      if (r.code != 0) return "run exited " + std::to_string(r.code) + ": " + r.output;
    }
    const json c = compare_json(a, b, " --noise 0.5");
    if (c["changes"].size() != 20u || !c["only_in_base"].empty())  // 20: >= 95 % allows one case to move
      return "expected 20 matched cases, got " + std::to_string(c["changes"].size()) + "\n";
    size_t moved = 0;
    std::string which;
    for (const auto& ch : c["changes"])
      if (ch["class"] == "faster" || ch["class"] == "slower") {
        ++moved;
        which += ch.dump() + '\n';
      }
    return double(moved) <= 0.05 * double(c["changes"].size()) ? "" : which;
  });
  for (const auto& f : {suite, a, b}) fs::remove(f);
}

// Each parallel case must come out `slower` in one of up to five attempts; a
// case that did is not judged again. A fault in the statistics or in compare
// (a ratio the wrong way round, a p-value that is never small) fails every
// attempt. A parallel case meets a slow spell of either vCPU (its static split
// waits for the slower thread), the MLP most (seven parallel regions a call):
// with five rounds a side it missed 4 of 13 attempts in nine runs here (twice
// in a row once), with ratios of 1.26-1.88 but the round medians overlapping
// (p 0.056-0.095) or the CI's low end at 1.008-1.010; with ten rounds, 6 runs of 6
// held on the first attempt.
constexpr int kPlantedAttempts = 5;
const std::string kPlantedRule = kRule + " --rounds 10";

TEST(SelfCheck, PlantedSingleThreadIsSlower) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one CPU: 1 thread against all plants no change";
  if (sanitized()) GTEST_SKIP() << "sanitizer build: its timings are the instrumentation's";
  const std::string suite = suite_file(), all = cli_test::temp_path("all.json"), one = cli_test::temp_path("one.json");
  std::map<std::string, std::string> misses;  // parallel case -> its attempts that were not `slower`
  std::set<std::string> held;
  std::string run_errors;
  for (int i = 1; i <= kPlantedAttempts && (misses.empty() || held.size() < misses.size()); ++i) {
    auto r = cli_test::run_cli("run --suite " + suite + " --out " + all + kPlantedRule);
    if (r.code == 0) r = cli_test::run_cli("run --suite " + suite + " --cpu-threads 1 --out " + one + kPlantedRule);
    if (r.code != 0) {
      run_errors += "attempt " + std::to_string(i) + ": run exited " + std::to_string(r.code) + ": " + r.output;
      continue;
    }
    const json c = compare_json(all, one);
    for (const auto& ch : c["changes"]) {
      const std::string id = ch["case"].get<std::string>();
      if (id.size() < 8 || id.compare(id.size() - 8, 8, "/cpu/all") != 0) continue;
      std::string& m = misses[id];
      if (ch["class"] == "slower") held.insert(id);
      else if (!held.count(id)) m += "attempt " + std::to_string(i) + ": " + ch.dump() + '\n';
    }
  }
  EXPECT_EQ(misses.size(), 5u) << "expected 5 parallel cases (mlp, 2 batched_gemm, sort radix, elementwise)\n"
                               << run_errors;
  for (const auto& [id, m] : misses) {
    if (!held.count(id)) ADD_FAILURE() << id << " never classified slower in " << kPlantedAttempts << " attempts:\n" << m;
    else if (!m.empty()) std::cout << id << ": slower after attempts that missed:\n" << m;
  }
  for (const auto& f : {suite, all, one}) fs::remove(f);
}
