// The accelbench binary end to end: exit codes and messages for bad input,
// and a real run on this machine.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <csignal>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "gpu.hpp"
#include "report.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

struct result {
  int code;
  std::string output;  // stdout and stderr together
};

result run(const std::string& args) {
  const std::string cmd = std::string(ACCELBENCH_BIN) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Tiny sizes and a short stopping rule: this checks behaviour, not speed.
const std::string kFast = "--layers 16,32,4 --min-time 0 --min-samples 3 --max-time 1";

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("accel_cli_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace

TEST(Cli, HelpAndVersionExitZero) {
  EXPECT_EQ(run("--help").code, 0);
  const auto v = run("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.output.find("accelbench"), std::string::npos);
}

TEST(Cli, UnknownFlagIsAUsageError) {
  const auto r = run("run --no-such-flag");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("no-such-flag"), std::string::npos) << r.output;
}

TEST(Cli, MissingVerbIsAUsageError) { EXPECT_EQ(run("").code, 2); }

TEST(Cli, BadBatchSizesAreUsageErrors) {
  for (const char* bad : {"0", "-3", "abc", "16,x", "1e3", "", "1000000000000", "99999999999999999999999"}) {
    const auto r = run(std::string("run --out '' --batch-sizes '") + bad + "' " + kFast);
    EXPECT_EQ(r.code, 2) << "batch sizes '" << bad << "': " << r.output;
    EXPECT_NE(r.output.find("--batch-sizes"), std::string::npos) << r.output;
  }
}

TEST(Cli, BadLayersAndNumbersAreUsageErrors) {
  EXPECT_EQ(run("run --out '' --layers 16 --batch-sizes 1").code, 2);
  EXPECT_EQ(run("run --out '' --layers 16,0,4 --batch-sizes 1").code, 2);
  EXPECT_EQ(run("run --out '' --layers 100000,100000 --batch-sizes 1").code, 2);
  EXPECT_EQ(run("run --out '' --target -1 " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --max-noise 0 " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --cpu-threads zero " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --backend quantum " + kFast).code, 2);
}

TEST(Cli, UnknownWorkloadIsAUsageError) {
  const auto r = run("run --out '' --workloads mlp,nope " + kFast);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("unknown workload 'nope'"), std::string::npos) << r.output;
}

TEST(Cli, UnwritableOutIsRefusedBeforeTheRun) {
  const auto r = run("run --out /nonexistent-dir/r.json --batch-sizes 1 " + kFast);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.output.find("running"), std::string::npos) << "ran before refusing: " << r.output;
  EXPECT_EQ(run("run --out " + fs::temp_directory_path().string() + " --batch-sizes 1 " + kFast).code, 2);
}

TEST(Cli, ListShowsWorkloadsAndGpuState) {
  const auto r = run("list");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("mlp"), std::string::npos);
  const auto j = run("list --json");
  EXPECT_EQ(j.code, 0);
  EXPECT_TRUE(json::accept(j.output)) << j.output;
}

TEST(Cli, RunWritesAValidReport) {
  const std::string out = temp_path("run.json");
  const auto r = run("run --batch-sizes 1,3 --out " + out + " " + kFast);
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  EXPECT_EQ(rep.cases.front().backend, "cpu");
  EXPECT_EQ(rep.speedups.size(), 2u * 2u * 2u);  // points x variants x timings
  const gpu_probe gpu = gpu::probe();
  if (!gpu.usable) {
    // Without a GPU every speedup is not_measured, and says why.
    const std::string why = gpu.built_with_cuda ? "no GPU: " : "built without CUDA";
    for (const auto& s : rep.speedups) {
      EXPECT_EQ(s.verdict, "not_measured");
      EXPECT_NE(s.reason.find(why), std::string::npos) << s.reason;
    }
    EXPECT_FALSE(rep.system.gpu_unavailable_reason.empty());
    EXPECT_NE(r.output.find("not measured: " + why), std::string::npos) << r.output;
  } else {
    for (const auto& s : rep.speedups) EXPECT_NE(s.verdict, "not_measured") << s.reason;
  }
  fs::remove(out);
}

TEST(Cli, RequireGpuExitsOneWithoutGpu) {
  if (gpu::probe().usable) GTEST_SKIP() << "this machine has a GPU";
  const auto r = run("run --out '' --require-gpu --batch-sizes 1 " + kFast);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("no usable GPU"), std::string::npos) << r.output;
}

TEST(Cli, StrictGpuBackendIsAClearErrorWithoutGpu) {
  if (gpu::probe().usable) GTEST_SKIP() << "this machine has a GPU";
  const auto r = run("run --out '' --backend gpu --batch-sizes 1 " + kFast);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("--backend gpu forbids the CPU fallback"), std::string::npos) << r.output;
}

TEST(Cli, BadFaultAndMemoryLimitAreUsageErrors) {
  EXPECT_EQ(run("run --out '' --inject-fault meteor " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --device-memory-limit lots " + kFast).code, 2);
}

// The fallback section holds real figures from this machine: on a machine
// without a GPU the trigger is the real "no device" answer.
TEST(Cli, ReportHasFallbackCapacityAndColdStart) {
  const std::string out = temp_path("fallback.json");
  const auto r = run("run --batch-sizes 2 --device-memory-limit 64MiB --out " + out + " " + kFast);
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  ASSERT_TRUE(rep.fallback.is_object());
  const auto& entries = rep.fallback["entries"];
  ASSERT_FALSE(entries.empty());
  const gpu_probe gpu = gpu::probe();
  for (const auto& e : entries) {
    EXPECT_EQ(e["answered_by"], "cpu");
    EXPECT_TRUE(e["answer_matches_direct_cpu"].get<bool>());
    EXPECT_GT(e["steady_ns"]["p50"].get<double>(), 0);
    EXPECT_GT(e["direct_cpu_ns"]["p50"].get<double>(), 0);
    EXPECT_GT(e["first_request_ns"]["p50"].get<double>(), 0) << "first requests run in child processes";
    EXPECT_EQ(e["leaked_device_bytes"].get<uint64_t>(), 0u);
    if (!gpu.usable) {
      EXPECT_EQ(e["trigger"], gpu.built_with_cuda ? "no_device" : "no_cuda");
    }
  }
  EXPECT_TRUE(rep.capacity["measured"].get<bool>());
  EXPECT_GT(rep.capacity["largest_batch"].get<int64_t>(), 0);
  EXPECT_TRUE(rep.cold_start.is_object());
  for (const auto& c : rep.cases) EXPECT_TRUE(c.memory.has_value());
  fs::remove(out);
}

// SIGINT mid-run: exit 130, and the report holds every finished case, marked
// interrupted, and reads back as a valid report.
TEST(Cli, InterruptedRunSavesFinishedCases) {
  const std::string out = temp_path("interrupted.json");
  const std::string cmd = std::string(ACCELBENCH_BIN) + " run --batch-sizes 1,2,3,4,5,6,7,8 --layers 16,32,4 " +
                          "--min-time 0.4 --max-noise 0.0001 --max-time 0.4 --no-fallback --out " + out +
                          " >/dev/null 2>&1";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), (char*)nullptr);
    ::_exit(127);
  }
  // Wait until the first point has been checkpointed, then interrupt.
  for (int i = 0; i < 100 && !fs::exists(out); ++i) ::usleep(50 * 1000);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const report rep = read_report(out);
  EXPECT_TRUE(rep.interrupted);
  EXPECT_FALSE(rep.cases.empty());
  EXPECT_LT(rep.cases.size(), 8u) << "the run should not have finished";
  for (const auto& c : rep.cases) EXPECT_FALSE(c.samples_ns.empty());
  fs::remove(out);
}
