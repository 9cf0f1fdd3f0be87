// The bad-input corpus: every file the tool reads (reports for report /
// compare / validate, suite files, targets files), broken in each way the
// issue names, through the real binary. Each must exit 2 with a one-line
// message naming the problem: never a crash, a hang or a huge allocation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"
#include "report.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

// A small valid report, the base every corruption starts from.
json valid_report() {
  report r;
  r.created_utc = "2026-11-23T00:00:00Z";
  r.system.cpu_model = "test";
  case_result c;
  c.workload = "mlp";
  c.params = {{"batch", 4}, {"layers", "8,4"}};
  c.backend = "cpu";
  c.variant = "eigen";
  c.timing = "cpu";
  c.threads = 2;
  c.samples_ns = {100, 101, 99};
  c.stats = summarize(c.samples_ns);
  r.cases = {c};
  return to_json(r);
}

struct bad_case {
  const char* name;
  std::string text;      // the file's content
  const char* expected;  // a fragment of the one-line message
};

std::string with(const char* pointer, const json& value) {
  json j = valid_report();
  j[json::json_pointer(pointer)] = value;
  return j.dump();
}

std::string without(const char* key) {
  json j = valid_report();
  j.erase(key);
  return j.dump();
}

std::string duplicated_case() {
  json j = valid_report();
  j["cases"].push_back(j["cases"][0]);
  return j.dump();
}

std::vector<bad_case> report_corpus() {
  const std::string good = valid_report().dump();
  return {
      {"empty file", "", "not valid JSON"},
      {"truncated", good.substr(0, good.size() / 2), "not valid JSON"},
      {"binary garbage", std::string("\x00\xff\xfe{", 4), "not valid JSON"},
      {"not an object", "[1,2,3]", "expected a JSON object"},
      {"unknown schema version", with("/schema_version", 99), "schema_version 99 is not supported"},
      {"schema version as string", with("/schema_version", "1"), "schema_version': expected an integer"},
      {"missing system", without("system"), "'system': missing"},
      {"cases not an array", with("/cases", json::object()), "'cases': expected an array"},
      {"wrong type of backend", with("/cases/0/backend", 3), "cases[0].backend': expected a string"},
      {"code digests not an object", with("/tool/sources", json::array({1})), "'tool.sources': expected an object"},
      {"a code digest not a string", with("/tool/sources", {{"mlp/gpu", 7}}), "'tool.sources.mlp/gpu': expected a string"},
      {"NaN time (JSON has no NaN)", R"({"schema_version": 1, "x": NaN})", "not valid JSON"},
      {"infinite time", with("/cases/0/samples_ns/1", 1e308 * 10), "cases[0].samples_ns[1]"},
      {"negative time", with("/cases/0/samples_ns/0", -5.0), "not a finite time >= 0"},
      {"overflowing number", R"({"schema_version": 1e999})", "number overflow"},
      {"empty samples", with("/cases/0/samples_ns", json::array()), "empty for a measured case"},
      {"rounds that do not add up", with("/cases/0/round_sizes", {2, 2}), "round_sizes': adds up to 4, not the 3 samples"},
      {"an empty round", with("/cases/0/round_sizes", {3, 0}), "round_sizes[1]': expected a sample count >= 1"},
      {"round sizes not an array", with("/cases/0/round_sizes", 3), "round_sizes': expected an array"},
      {"rounds run nowhere known", with("/cases/0/rounds_in", "elsewhere"), "rounds_in': expected \"child_processes\""},
      {"duplicate cases", duplicated_case(), "duplicates cases[0]"},
      {"median CI upside down", with("/cases/0/stats/median_ci95_ns", {101.0, 99.0}),
       "cases[0].stats.median_ci95_ns': not an interval"},
      {"negative round spread", with("/cases/0/stats/round_spread", -0.1), "cases[0].stats.round_spread': negative"},
      {"10^12 sample count", with("/cases/0/stats/n", int64_t(1'000'000'000'000'000)), "cases[0].stats.n': out of range"},
      {"int overflow of iterations", with("/cases/0/iterations_per_sample", int64_t(1) << 40),
       "iterations_per_sample': out of range"},
      {"a negative CPU quota", with("/system/cpu_quota_cpus", -2.0),
       "system.cpu_quota_cpus': expected a positive number of CPUs or null"},
      {"a CPU quota as a string", with("/system/cpu_quota_cpus", "2"), "system.cpu_quota_cpus': expected a number"},
      {"no CPU allowed", with("/system/cpu/allowed", 0), "system.cpu.allowed': out of range [1, "},
      {"a memory limit of nothing", with("/system/memory_limit_bytes", 0), "system.memory_limit_bytes': out of range [1, "},
      {"environment variables as a list", with("/system/env", json::array({"OMP_PROC_BIND=close"})),
       "system.env': expected an object of strings"},
      {"an environment variable as a number", with("/system/env", {{"OMP_NUM_THREADS", 4}}),
       "system.env.OMP_NUM_THREADS': expected a string"},
      {"ceilings without their numbers", with("/system/peaks", {{"cpu", json::object()}}),
       "system.peaks.cpu.triad_gb_per_s': missing"},
      {"crossover with a string speedup", with("/crossovers", json::array({{{"workload", "mlp"}, {"variant", "x"},
                                                                            {"timing", "kernel"}, {"size_param", "batch"},
                                                                            {"series", json::object()}, {"measured", true},
                                                                            {"target", 4.22}, {"break_even_size", nullptr},
                                                                            {"target_size", nullptr}, {"sizes", {1, 2}},
                                                                            {"speedups", {1.5, "fast"}}}})),
       "crossovers[0].speedups[1]"},
      {"capacity with a string batch",
       with("/capacity", {{"measured", true}, {"largest_batch", 5}, {"basis_bytes", 1e9}, {"basis", "device_free_bytes"},
                          {"checked_by_allocation", false}, {"largest_allocated_batch", "many"}}),
       "capacity.largest_allocated_batch"},
      {"fallback entry without its trigger", with("/fallback", {{"entries", json::array({json::object()})}}),
       "fallback.entries[0].trigger"},
      {"verdict unknown", [] {
         json j = valid_report();
         j["speedups"] = json::array({{{"workload", "mlp"}, {"params", json::object()}, {"variant", "x"},
                                       {"timing", "kernel"}, {"target", 4.22}, {"verdict", "great"}, {"reason", nullptr}}});
         return j.dump();
       }(),
       "speedups[0].verdict"},
  };
}

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

void expect_input_error(const std::string& args, const std::string& expected, const std::string& label) {
  const auto r = cli_test::run_cli(args);
  EXPECT_EQ(r.code, 2) << label << ": " << args << "\n" << r.output;
  EXPECT_NE(r.output.find(expected), std::string::npos) << label << ": expected '" << expected << "' in:\n" << r.output;
  // One line: the message, no stack trace or dump.
  EXPECT_LE(std::count(r.output.begin(), r.output.end(), '\n'), 1) << label << "\n" << r.output;
}

}  // namespace

TEST(BadInput, ReportsForEveryVerb) {
  const std::string good = cli_test::temp_path("good.json"), bad = cli_test::temp_path("bad.json");
  write(good, valid_report().dump());
  ASSERT_EQ(cli_test::run_cli("report " + good + " --format csv").code, 0) << "the base report must be valid";
  for (const auto& c : report_corpus()) {
    write(bad, c.text);
    expect_input_error("report " + bad, c.expected, std::string("report: ") + c.name);
    expect_input_error("compare " + good + " " + bad, c.expected, std::string("compare: ") + c.name);
    expect_input_error("validate " + bad, c.expected, std::string("validate: ") + c.name);
  }
  fs::remove(good);
  fs::remove(bad);
}

TEST(BadInput, PathsThatAreNotReadableFiles) {
  const std::string dir = cli_test::temp_path("a_dir");
  fs::create_directories(dir);
  expect_input_error("report " + dir, "is a directory", "directory as a report");
  expect_input_error("validate /no/such/report.json", "no such file", "missing report");
  expect_input_error("run --suite " + dir + "/x.json --out ''", "no such file", "missing suite");
  expect_input_error("run --suite " + dir + " --out ''", "is a directory", "directory as a suite");
  expect_input_error("list --suite " + dir, "is a directory", "directory as a suite");
  // Too big: a regular file is refused by its size (a sparse one here, no disk
  // used), a stream without end after reading just past the limit.
  const std::string huge = dir + "/huge.json";
  { std::ofstream(huge) << "{"; }
  fs::resize_file(huge, (size_t(256) << 20) + 1);
  expect_input_error("validate " + huge, "larger than 256 MiB", "oversized report");
  expect_input_error("compare " + huge + " /dev/zero", "larger than 256 MiB", "oversized report");
  expect_input_error("report /dev/zero", "larger than 256 MiB", "endless stream as a report");
  fs::remove_all(dir);
}

TEST(BadInput, SuiteFiles) {
  const std::string suite = cli_test::temp_path("suite.json");
  const std::vector<bad_case> corpus = {
      {"truncated", R"({"workloads": {"reduce": [{"op": ["sum"], "n": [10)", "not valid JSON"},
      {"10^12 elements", R"({"workloads": {"reduce": [{"op": ["sum"], "n": [1000000000000]}]}})",
       "workloads.reduce[0].n[0]"},
      {"int overflow", R"({"workloads": {"mlp": [{"batch": [2147483648], "layers": ["8,4"]}]}})",
       "workloads.mlp[0].batch[0]"},
      {"wrong type", R"({"workloads": {"sort": [{"kind": ["keys"], "dist": ["uniform"], "n": ["many"]}]}})",
       "workloads.sort[0].n[0]"},
      {"unknown workload", R"({"workloads": {"fft": [{"n": [1]}]}})", "fft"},
      {"one above the maximum", R"({"workloads": {"mlp": [{"batch": [16777217], "layers": ["8,4"]}]}})",
       "16777217 is not in [1, 16777216]"},
      {"below the minimum", R"({"workloads": {"reduce": [{"op": ["sum"], "n": [0]}]}})", "0 is not in [1, "},
      {"a grid of 20000 points", [] {
         json grid = {{"n", json::array()}, {"batch", json::array()}};
         for (int i = 0; i < 100; ++i) grid["n"].push_back(16 + i);
         for (int i = 0; i < 200; ++i) grid["batch"].push_back(1 + i);
         return json{{"workloads", {{"batched_gemm", {grid}}}}}.dump();
       }(),
       "workloads.batched_gemm[0]: more than 10000 points"},
      {"a value listed twice", R"({"workloads": {"batched_gemm": [{"n": [16, 16], "batch": 1}]}})",
       "workloads.batched_gemm[0].n[1]: 16 is listed twice"},
      {"no workloads", R"({"workloads": {}})", "workloads: nothing to run"},
      {"a workload without grids", R"({"workloads": {"sort": []}})", "workloads: nothing to run"},
  };
  for (const auto& c : corpus) {
    write(suite, c.text);
    expect_input_error("run --out '' --suite " + suite, c.expected, std::string("suite: ") + c.name);
  }
  fs::remove(suite);
}

TEST(BadInput, TargetsFiles) {
  const std::string good = cli_test::temp_path("good_t.json"), targets = cli_test::temp_path("targets.json");
  write(good, valid_report().dump());
  const std::vector<bad_case> corpus = {
      {"truncated", R"({"workloads": {"mlp": {"speedup": {"min": 4)", "not valid JSON"},
      {"wrong type", R"({"workloads": {"mlp": {"speedup": {"min": "4.22"}}}})", "workloads.mlp.speedup.min"},
      {"missing field", R"({"workloads": {"mlp": {"speedup": {"severity": "error"}}}})", "speedup.min: missing"},
      {"huge number", R"({"workloads": {"mlp": {"p99_ns": {"max": 1e300}}}})", "p99_ns.max"},
      {"unknown severity", R"({"workloads": {"mlp": {"p99_ns": {"max": 1, "severity": "panic"}}}})", "severity"},
  };
  for (const auto& c : corpus) {
    write(targets, c.text);
    expect_input_error("validate " + good + " --targets " + targets, c.expected, std::string("targets: ") + c.name);
  }
  fs::remove(good);
  fs::remove(targets);
}

TEST(BadInput, UnwritableOutputsAreRefusedBeforeWork) {
  const std::string dir = cli_test::temp_path("out_dir");
  fs::create_directories(dir);
  expect_input_error("run --out /proc/accelbench.json --workloads mlp --batch-sizes 1", "--out", "unwritable run --out");
  expect_input_error("run --out " + dir + " --workloads mlp --batch-sizes 1", "--out", "directory as run --out");
  const std::string good = cli_test::temp_path("good_o.json");
  write(good, valid_report().dump());
  expect_input_error("report " + good + " --format csv --out /proc/x.csv", "--out", "unwritable report --out");
  fs::remove(good);
  fs::remove_all(dir);
}
