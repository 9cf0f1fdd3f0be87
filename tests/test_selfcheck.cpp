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
#include <thread>

#include "cli_test_util.hpp"
#include "report.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

// Sizes where two cores clearly beat one, each case a few ms or less.
const char* kSuite = R"({"name": "selfcheck-small", "workloads": {
  "mlp": [{"batch": [256], "layers": "256,512,256,16"}],
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

const std::string kRule = " --no-fallback --force --min-time 0.2 --min-samples 20 --max-time 3 --max-noise 0.01";

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

// On shared 2-core VMs like CI's, whole processes drift far beyond the
// default 2 % noise threshold (README "Self-checks" has the numbers): here,
// single-threaded in-cache cases come out bimodal per process, e.g.
// std::inclusive_scan of 64 Ki ints at 21.0 or 24.5 us, whatever the ASLR
// setting or the CPU the process is pinned to; tiny MLP and saxpy cases moved
// by up to 35 %. That is the machine, not the statistics, so this test runs
// single-threaded, in cache, and judges with --noise 0.5: it still fails when
// compare calls same-build runs different beyond that. scripts/selfcheck.sh
// measures a machine at the default threshold.
TEST(SelfCheck, AaRunsDoNotDiffer) {
  if (sanitized()) GTEST_SKIP() << "sanitizer build: its timings are the instrumentation's";
  const std::string suite = suite_file(kCachedSuite), a = cli_test::temp_path("aa1.json"), b = cli_test::temp_path("aa2.json");
  for (const auto& out : {a, b}) {
    const auto r = cli_test::run_cli("run --cpu-threads 1 --suite " + suite + " --out " + out + kRule);
    ASSERT_EQ(r.code, 0) << r.output;
  }
  const json c = compare_json(a, b, " --noise 0.5");
  ASSERT_EQ(c["changes"].size(), 20u);  // so that >= 95 % allows one case to move
  EXPECT_TRUE(c["only_in_base"].empty());
  size_t moved = 0;
  std::string which;
  for (const auto& ch : c["changes"])
    if (ch["class"] == "faster" || ch["class"] == "slower") {
      ++moved;
      which += ch["case"].get<std::string>() + ' ' + ch["class"].get<std::string>() + ' ' + ch["ratio"].dump() + '\n';
    }
  EXPECT_LE(double(moved), 0.05 * double(c["changes"].size())) << which;
  for (const auto& f : {suite, a, b}) fs::remove(f);
}

TEST(SelfCheck, PlantedSingleThreadIsSlower) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one CPU: 1 thread against all plants no change";
  if (sanitized()) GTEST_SKIP() << "sanitizer build: its timings are the instrumentation's";
  const std::string suite = suite_file(), all = cli_test::temp_path("all.json"), one = cli_test::temp_path("one.json");
  auto r = cli_test::run_cli("run --suite " + suite + " --out " + all + kRule);
  ASSERT_EQ(r.code, 0) << r.output;
  r = cli_test::run_cli("run --suite " + suite + " --cpu-threads 1 --out " + one + kRule);
  ASSERT_EQ(r.code, 0) << r.output;
  const json c = compare_json(all, one);
  size_t parallel = 0;
  for (const auto& ch : c["changes"]) {
    const std::string id = ch["case"].get<std::string>();
    if (id.size() < 8 || id.compare(id.size() - 8, 8, "/cpu/all") != 0) continue;
    ++parallel;
    EXPECT_EQ(ch["class"], "slower") << id << " ratio " << ch["ratio"].dump();
  }
  EXPECT_EQ(parallel, 5u) << "mlp, 2 batched_gemm, sort radix, elementwise";
  for (const auto& f : {suite, all, one}) fs::remove(f);
}
