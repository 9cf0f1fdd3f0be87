// Unit tests for common/report_json.cpp and common/atomic_file.cpp.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>

#include "atomic_file.hpp"
#include "report.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

report sample_report() {
  report r;
  r.tool_version = "0.1.0";
  r.git_sha = "abc123";
  r.sources = {{"harness", "0123456789abcdef"}, {"mlp/gpu", "fedcba9876543210"}};
  r.created_utc = "2026-11-23T00:00:00Z";
  r.command_line = "accelbench run";
  r.config = {{"seed", 42}};
  r.system.cpu_model = "Test CPU";
  r.system.cpu_cores = 8;
  r.system.cpu_allowed = 8;
  r.system.cpu_threads_used = 8;
  r.system.env = {{"OMP_PROC_BIND", "close"}, {"OMP_PLACES", "cores"}, {"CUDA_VISIBLE_DEVICES", "1"}};
  r.system.memory_bytes = 1 << 30;
  r.system.memory_limit_bytes = 1 << 29;
  r.system.os = "Linux";
  r.system.compiler = "g++";
  r.system.flags = "-O3";
  r.system.eigen_version = "3.4.0";
  r.system.cuda_built = true;
  r.system.cuda = cuda_info{13000, 13000};
  r.system.gpus.push_back({"Test GPU", "9.0", 132, uint64_t(80) << 30, 1980, 3352.3, "00000000:3B:00.0"});

  case_result cpu;
  cpu.workload = "mlp";
  cpu.params = {{"batch", 16}, {"layers", "8,4"}};
  cpu.backend = "cpu";
  cpu.variant = "eigen";
  cpu.timing = "cpu";
  cpu.samples_ns = {100, 110, 105, 101, 99};
  cpu.round_sizes = {2, 3};
  cpu.stats = summarize({cpu.samples_ns, cpu.round_sizes});
  cpu.converged = true;
  cpu.flops_per_call = 1024;
  cpu.gflops = 1024 / cpu.stats.median;
  case_result gpu = cpu;
  gpu.backend = "gpu";
  gpu.variant = "custom";
  gpu.timing = "kernel";
  gpu.samples_ns = {10, 11, 10.5};
  gpu.round_sizes = {3};
  gpu.stats = summarize(gpu.samples_ns);
  gpu.verification = verification{true, 1e-7, 2e-6, 0, ""};
  // Integrity fields: host activity, NVML health at both ends, throttling.
  cpu.host = host_activity{2400, 2350.5, 1.25, 2.4, 0.03};
  gpu.host = cpu.host;
  gpu.gpu_before = gpu_health{1980, 2619, 61, 310.5, 0x1};
  gpu.gpu_after = gpu_health{1755, 2619, 84, 699.0, kThrottleSwPowerCap};
  gpu.throttled = "sw_power_cap";
  r.cases = {cpu, gpu};
  r.warnings = {"CPU frequency scaling is on (governor 'powersave')"};
  r.system.cpu_governor = "powersave";
  r.system.load_average_at_start = 0.42;
  r.system.other_load_at_start = 0.07;
  r.system.nvml = "available";
  speedup_result s;
  s.workload = "mlp";
  s.params = cpu.params;
  s.variant = "custom";
  s.timing = "kernel";
  s.value = 9.9;
  s.ci95 = {9.5, 10.2};
  s.target = 4.22;
  s.verdict = "pass";
  r.speedups = {s};
  speedup_result n = s;
  n.timing = "end_to_end";
  n.verdict = "not_measured";
  n.reason = "no GPU: test";
  r.speedups.push_back(n);
  return r;
}

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("accel_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(ReportJson, RoundTripIsLossless) {
  const report r = sample_report();
  const json j = to_json(r);
  const report back = report_from_json(json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
}

// Reports from before system.cpu.allowed, system.env and
// system.memory_limit_bytes read back with none of them known.
TEST(ReportJson, ReportsWithoutAffinityEnvOrMemoryLimitStillRead) {
  json j = to_json(sample_report());
  j["system"]["cpu"].erase("allowed");
  j["system"].erase("env");
  j["system"].erase("memory_limit_bytes");
  const report r = report_from_json(j);
  EXPECT_EQ(r.system.cpu_allowed, 0);
  EXPECT_EQ(r.system.memory_limit_bytes, 0u);
  EXPECT_TRUE(r.system.env.empty());
}

// Reports from builds before tool.sources read back with no digests.
TEST(ReportJson, ReportsWithoutCodeDigestsStillRead) {
  json j = to_json(sample_report());
  j["tool"].erase("sources");
  EXPECT_TRUE(report_from_json(j).sources.empty());
  EXPECT_EQ(report_from_json(to_json(sample_report())).sources.at("mlp/gpu"), "fedcba9876543210");
}

TEST(ReportJson, EveryDocumentedFieldIsPresent) {
  const json j = to_json(sample_report());
  for (const char* k : {"schema_version", "tool", "created_utc", "command_line", "config", "system", "cases", "speedups"})
    EXPECT_TRUE(j.contains(k)) << k;
  for (const char* k : {"name", "version", "git_sha", "sources"}) EXPECT_TRUE(j["tool"].contains(k)) << k;
  const json& s = j["system"];
  for (const char* k : {"cpu", "memory_bytes", "memory_limit_bytes", "env", "os", "compiler", "flags", "eigen_version", "cuda", "gpus",
                        "gpu_unavailable_reason"})
    EXPECT_TRUE(s.contains(k)) << k;
  for (const char* k : {"model", "cores", "allowed", "threads_used"}) EXPECT_TRUE(s["cpu"].contains(k)) << k;
  EXPECT_EQ(s["env"]["OMP_PROC_BIND"], "close");
  for (const char* k : {"runtime_version", "driver_version"}) EXPECT_TRUE(s["cuda"].contains(k)) << k;
  for (const char* k : {"name", "compute_capability", "sm_count", "memory_bytes", "clock_mhz", "memory_bandwidth_gbs"})
    EXPECT_TRUE(s["gpus"][0].contains(k)) << k;
  for (const json& c : j["cases"]) {
    for (const char* k : {"workload", "params", "backend", "variant", "timing", "samples_ns", "round_sizes", "stats", "converged",
                          "verification", "gflops", "items_per_s"})
      EXPECT_TRUE(c.contains(k)) << k;
    for (const char* k : {"median_ns", "mean_ns", "stdev_ns", "min_ns", "max_ns", "p90_ns", "p95_ns", "p99_ns",
                          "median_ci95_ns"})
      EXPECT_TRUE(c["stats"].contains(k)) << k;
  }
  for (const char* k : {"passed", "max_abs_err", "max_rel_err"}) EXPECT_TRUE(j["cases"][1]["verification"].contains(k)) << k;
  for (const json& sp : j["speedups"])
    for (const char* k : {"workload", "params", "variant", "timing", "value", "ci95", "target", "verdict", "reason"})
      EXPECT_TRUE(sp.contains(k)) << k;
}

TEST(ReportJson, ReaderNamesTheBadField) {
  json j = to_json(sample_report());
  j["cases"][1]["samples_ns"][0] = "fast";
  try {
    report_from_json(j);
    FAIL() << "accepted a string sample";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find("cases[1].samples_ns[0]"), std::string::npos) << e.what();
  }
  json k = to_json(sample_report());
  k["schema_version"] = 99;
  EXPECT_THROW(report_from_json(k), input_error);
  json m = to_json(sample_report());
  m["system"].erase("os");
  EXPECT_THROW(report_from_json(m), input_error);
}

TEST(ReportFile, WriteThenReadBack) {
  const fs::path d = temp_dir();
  const std::string path = (d / "r.json").string();
  write_report(sample_report(), path);
  EXPECT_EQ(to_json(read_report(path)), to_json(sample_report()));
  for (const auto& e : fs::directory_iterator(d)) EXPECT_EQ(e.path().filename(), "r.json");
  fs::remove_all(d);
}

TEST(ReportFile, TruncatedFileIsAClearError) {
  const fs::path d = temp_dir();
  const std::string path = (d / "t.json").string();
  const std::string full = to_json(sample_report()).dump();
  std::ofstream(path) << full.substr(0, full.size() / 2);
  EXPECT_THROW(read_report(path), input_error);
  EXPECT_THROW(read_report((d / "missing.json").string()), input_error);
  fs::remove_all(d);
}

// A failed write leaves neither a partial file nor a temp file behind, and the
// thing at the path is untouched.
TEST(ReportFile, FailedAtomicWriteLeavesNoPartialFile) {
  const fs::path d = temp_dir();
  const fs::path target = d / "is_a_dir";
  fs::create_directories(target / "inside");
  EXPECT_THROW(write_file_atomically(target.string(), "{\"x\": 1}"), std::runtime_error);
  EXPECT_TRUE(fs::is_directory(target / "inside"));
  int entries = 0;
  for (const auto& e : fs::directory_iterator(d)) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "is_a_dir");
  }
  EXPECT_EQ(entries, 1);
  EXPECT_NE(check_writable(target.string()), "");
  EXPECT_NE(check_writable((d / "no/such/folder/r.json").string()), "");
  EXPECT_EQ(check_writable((d / "fine.json").string()), "");
  fs::remove_all(d);
}

// A disk that fills up mid-write (here: a file-size limit, so write() fails
// with EFBIG part-way) leaves the report already at the path whole and no
// temp file behind. In a child process: the limit is per process.
TEST(ReportFile, DiskFullMidWriteKeepsTheOldReport) {
  const fs::path d = temp_dir();
  const std::string path = (d / "r.json").string();
  const std::string old = to_json(sample_report()).dump();
  std::ofstream(path) << old;
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // write() then returns EFBIG instead of killing us
    const rlimit lim{4096, 4096};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(3);
    try {
      write_file_atomically(path, std::string(size_t(1) << 20, 'x'));
    } catch (const std::runtime_error& e) {
      ::_exit(std::string(e.what()).find("cannot write " + path) == 0 ? 0 : 2);
    }
    ::_exit(1);  // the write claimed success
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error raised; 2: unclear message; 3: setrlimit failed";
  std::ifstream in(path);
  const std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(now, old);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(d)) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "r.json");
  }
  EXPECT_EQ(entries, 1);
  fs::remove_all(d);
}

// Reports written before rounds existed read as one round per case.
TEST(ReportJson, ReportsWithoutRoundsReadAsOneRound) {
  json j = to_json(sample_report());
  for (json& c : j["cases"]) {
    c.erase("round_sizes");
    if (c["stats"].is_object()) c["stats"].erase("rounds"), c["stats"].erase("round_spread");
  }
  const report back = report_from_json(j);
  for (const auto& c : back.cases) {
    EXPECT_TRUE(c.round_sizes.empty());
    EXPECT_EQ(c.stats.rounds, 1u);
    EXPECT_EQ(sample_set(c.samples_ns, c.round_sizes).rounds(), 1u);
  }
}
