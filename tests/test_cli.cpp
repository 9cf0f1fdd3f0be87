// The accelbench binary end to end: exit codes and messages for bad input,
// and a real run on this machine.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <csignal>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli_test_util.hpp"
#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "report.hpp"
#include "reporters/format_util.hpp"
#include "workload.hpp"

using namespace accel;
namespace fs = std::filesystem;

namespace {

using result = cli_test::cli_result;
result run(const std::string& args) { return cli_test::run_cli(args); }
using cli_test::temp_path;

// Tiny sizes and a short stopping rule: this checks behaviour, not speed.
const std::string kFast = "--workloads mlp --layers 16,32,4 --min-time 0 --min-samples 3 --max-time 1";

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

TEST(Cli, AnOptionGivenTwiceIsAUsageErrorInPlainWords) {
  for (const char* args : {"run --out '' --seed 1 --seed 2", "compare a.json b.json --alpha 0.1 --alpha 0.2"}) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.output;
    EXPECT_NE(r.output.find(" is given 2 times; give it once"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("running"), std::string::npos) << "ran with " << args;
  }
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
  EXPECT_EQ(run("run --out '' --rounds 0 " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --rounds 101 " + kFast).code, 2);
  EXPECT_EQ(run("run --out '' --rounds-in elsewhere " + kFast).code, 2);
}

// CLI11 alone would read "" as 0 and wrap -1 or 2^64 into the unsigned seed.
TEST(Cli, NumbersAreCheckedAsWritten) {
  const std::pair<const char*, const char*> bad[] = {
      {"--seed", "-1"},    {"--seed", "18446744073709551616"}, {"--seed", ""},         {"--seed", "0x10"},
      {"--device", ""},    {"--rounds", "4294967297"},         {"--min-samples", "2.5"}, {"--min-time", ""},
      {"--target", "inf"}, {"--max-noise", "nan"},             {"--max-time", "1s"},
  };
  for (const auto& [flag, text] : bad) {
    const auto r = run(std::string("run --out '' ") + flag + " '" + text + "' " + kFast);
    EXPECT_EQ(r.code, 2) << flag << " '" << text << "': " << r.output;
    EXPECT_NE(r.output.find(std::string(flag) + ": '" + text + "' is not"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("running"), std::string::npos) << "ran with " << flag << " '" << text << "'";
  }
  for (const char* flag : {"--alpha", "--noise", "--warn", "--fail"}) {
    const auto r = run(std::string("compare a.json b.json ") + flag + " ''");
    EXPECT_EQ(r.code, 2) << flag << ": " << r.output;
    EXPECT_NE(r.output.find(std::string(flag) + ": '' is not"), std::string::npos) << r.output;
  }
  // --noise, --warn and --fail are shares: 0.1 or 10%; a bare 10 is not 1000 %.
  for (const char* flag : {"--noise", "--warn", "--fail"}) {
    auto r = run(std::string("compare a.json b.json ") + flag + " 10");
    EXPECT_EQ(r.code, 2) << flag << ": " << r.output;
    EXPECT_NE(r.output.find(std::string(flag) + ": '10' would be 1000 %"), std::string::npos) << r.output;
    r = run(std::string("compare a.json b.json ") + flag + " 5%%");
    EXPECT_EQ(r.code, 2) << flag << ": " << r.output;
    EXPECT_NE(r.output.find(std::string(flag) + ": '5%%' is not"), std::string::npos) << r.output;
  }
  EXPECT_EQ(run("peaks --device ''").code, 2);
  // The hidden verbs are not a way into run.
  const auto r = run("internal");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_EQ(r.output.find("running"), std::string::npos) << r.output;
}

TEST(Cli, UnknownWorkloadIsAUsageError) {
  const auto r = run("run --out '' --workloads mlp,nope --min-time 0");
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
  EXPECT_NE(r.output.find("; 'all' threads = " + std::to_string(cpu_threads_available()) + "\n"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("\nhost memory: "), std::string::npos) << r.output;
  const auto j = run("list --json");
  EXPECT_EQ(j.code, 0);
  ASSERT_TRUE(json::accept(j.output)) << j.output;
  const json host = json::parse(j.output)["host"];
  EXPECT_EQ(host["cpus_allowed"], cpu_threads_available());
  EXPECT_GE(host["cpus"].get<int>(), host["cpus_allowed"].get<int>());
  EXPECT_GT(host["memory_bytes"].get<double>(), 0);
}

// `peaks` prints this machine's ceilings (as text or JSON) on any machine:
// the GPU's measured ones, or why there are none.
TEST(Cli, PeaksPrintsCeilingsAndRefusesBadThreads) {
  const auto text = run("peaks --cpu-threads 1");
  ASSERT_EQ(text.code, 0) << text.output;
  EXPECT_NE(text.output.find("CPU (1 thread): memory "), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(" GB/s triad, "), std::string::npos) << text.output;
  EXPECT_NE(text.output.find(" update; fp32 FMA "), std::string::npos) << text.output;
  const bool gpu = gpu::probe().usable;
  EXPECT_NE(text.output.find(gpu ? "GPU (measured): memory " : "GPU: "), std::string::npos) << text.output;
  const auto one = run("run --out '' --cpu-threads 1 --batch-sizes 1 --no-fallback --rounds 1 " + kFast);
  EXPECT_NE(one.output.find(" (1 thread)\n"), std::string::npos) << one.output;  // run's header, singular too
  const auto j = run("peaks --json");
  ASSERT_EQ(j.code, 0) << j.output;
  ASSERT_TRUE(json::accept(j.output)) << j.output;
  const json p = json::parse(j.output);
  EXPECT_EQ(p["cpu"]["threads"].get<int>(), cpu_threads_available());
  for (const char* k : {"triad_gb_per_s", "read_gb_per_s", "update_gb_per_s", "fma_gflops"})
    EXPECT_GT(p["cpu"][k].get<double>(), 0) << k;
  EXPECT_EQ(p["gpu"].is_object(), gpu);
  EXPECT_EQ(p["gpu_reason"].is_string(), !gpu);
  const auto bad = run("peaks --cpu-threads 0");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--cpu-threads"), std::string::npos) << bad.output;
}

TEST(Cli, RunWritesAValidReport) {
  const std::string out = temp_path("run.json");
  const auto r = run("run --batch-sizes 1,3 --out " + out + " " + kFast);
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  EXPECT_EQ(rep.config["cache"], "warm");
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
  // Where the time went: the cases' phases add up to no more than the run.
  ASSERT_TRUE(rep.run_time_s.is_object());
  const double total = rep.run_time_s["total"].get<double>();
  double phases = 0;
  for (const auto& [k, v] : rep.run_time_s["cases"].items()) phases += v.get<double>();
  EXPECT_GT(rep.run_time_s["cases"]["cpu_rounds_in_child_processes"].get<double>(), 0);
  EXPECT_GT(rep.run_time_s["timed_samples"].get<double>(), 0);
  EXPECT_LT(rep.run_time_s["timed_samples"].get<double>(), phases);
  EXPECT_LE(phases + rep.run_time_s["fallback"].get<double>(), total);
  EXPECT_NE(r.output.find("\nrun time "), std::string::npos) << r.output;
  // The build's code digests (bench/sources.cmake): the harness and every workload's two paths.
  EXPECT_EQ(rep.sources.size(), 1u + 2u * all_workloads().size());
  EXPECT_EQ(rep.sources.count("harness"), 1u);
  for (const workload& w : all_workloads())
    for (const char* side : {"/cpu", "/gpu"}) {
      const auto it = rep.sources.find(w.name + side);
      ASSERT_NE(it, rep.sources.end()) << w.name << side;
      EXPECT_EQ(it->second.size(), 16u);
      EXPECT_EQ(it->second.find_first_not_of("0123456789abcdef"), std::string::npos) << it->second;
    }
  fs::remove(out);
}

// Under an affinity mask (as taskset or a container's cpuset sets) 'all' is
// the CPUs the process may run on: the report says how many of the machine's
// those are, keeps the OpenMP and CUDA variables, and warns about both.
TEST(Cli, AnAffinityMaskAndOmpNumThreadsAreRecordedAndWarned) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  ASSERT_EQ(::sched_getaffinity(0, sizeof mask, &mask), 0);
  if (CPU_COUNT(&mask) < 2) GTEST_SKIP() << "this process may run on one CPU only: no smaller mask to set";
  int first = 0;
  while (!CPU_ISSET(first, &mask)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);  // the child inherits it
  ASSERT_EQ(::setenv("OMP_NUM_THREADS", "3", 1), 0);
  ASSERT_EQ(::setenv("CUDA_MODULE_LOADING", "LAZY", 1), 0);  // the runtime's default: recorded, changes nothing
  const std::string out = temp_path("affinity.json");
  const auto r = run("run --batch-sizes 1 --no-fallback --rounds 1 --out " + out + " " + kFast);
  const auto listed = run("list");
  ::sched_setaffinity(0, sizeof mask, &mask);
  ::unsetenv("OMP_NUM_THREADS");
  ::unsetenv("CUDA_MODULE_LOADING");
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  EXPECT_EQ(rep.system.cpu_allowed, 1);
  EXPECT_EQ(rep.system.cpu_threads_used, 1);
  EXPECT_GE(rep.system.cpu_cores, 2);
  EXPECT_EQ(rep.system.env.at("OMP_NUM_THREADS"), "3");
  EXPECT_EQ(rep.system.env.at("CUDA_MODULE_LOADING"), "LAZY");
  for (const auto& c : rep.cases)
    if (c.backend == "cpu") {
      EXPECT_EQ(c.threads, 1) << case_id(c);
    }
  const auto warned = [&](const std::string& what) {
    bool in_report = false;
    for (const auto& w : rep.warnings) in_report |= w.find(what) != std::string::npos;
    EXPECT_TRUE(in_report) << what;
    EXPECT_NE(r.output.find("warning: " + what), std::string::npos) << r.output;
  };
  warned("this process may run on 1 of the machine's " + std::to_string(rep.system.cpu_cores) + " logical CPUs");
  EXPECT_NE(listed.output.find(" logical CPUs, this process may run on 1 (affinity mask)"), std::string::npos)
      << listed.output;
  warned("OMP_NUM_THREADS=3 is set, but accelbench sets the thread count itself: CPU cases use up to 1 thread (--cpu-threads chooses)");
}

// cuBLAS is loaded on first use, not linked: a process that never uses it
// (a CPU round's child, a run without a GPU) does not pay its start-up.
TEST(Cli, CublasLoadsOnFirstUseOnly) {
  std::string ldd;
  if (FILE* p = ::popen("ldd " ACCELBENCH_BIN " 2>&1", "r")) {
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), int(buf.size()), p)) ldd += buf.data();
    ::pclose(p);
  }
  ASSERT_NE(ldd.find("libc.so"), std::string::npos) << ldd;
  EXPECT_EQ(ldd.find("libcublas"), std::string::npos) << ldd;
  if (!gpu::built_with_cuda()) GTEST_SKIP() << "built without CUDA";
  const std::string path = gpu::load_cublas();  // needs the library, not a GPU
  std::ifstream maps("/proc/self/maps");
  const std::string mapped((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  EXPECT_NE(mapped.find(fs::path(path).filename().string()), std::string::npos) << path;
}

// CPU cases sample in --rounds rounds (each in a fresh child process by
// default, here with --rounds-in this_process), GPU cases in one; the sizes
// add up to the samples and the stats say so.
TEST(Cli, CpuCasesSampleInRounds) {
  for (const auto& [rounds, where] : {std::pair{1, "child_processes"}, {3, "child_processes"}, {3, "this_process"}}) {
    const std::string out = temp_path("rounds.json");
    const auto r = run("run --batch-sizes 2 --cpu-threads 1,all --force --no-fallback --rounds " +
                       std::to_string(rounds) + " --rounds-in " + where + " --out " + out + " " + kFast);
    ASSERT_EQ(r.code, 0) << r.output;
    const report rep = read_report(out);
    EXPECT_EQ(rep.config["rounds"], rounds);
    EXPECT_EQ(rep.config["rounds_in"], where);
    for (const auto& c : rep.cases) {
      if (c.status != "ok") continue;
      EXPECT_EQ(c.round_sizes.size(), c.backend == "cpu" ? size_t(rounds) : 1u) << case_id(c);
      EXPECT_EQ(c.rounds_in, c.backend == "cpu" ? where : "") << case_id(c);
      size_t total = 0;
      for (size_t n : c.round_sizes) {
        EXPECT_GE(n, 1u);
        total += n;
      }
      EXPECT_EQ(total, c.samples_ns.size());
      EXPECT_EQ(c.stats.rounds, c.round_sizes.size());
      if (c.round_sizes.size() == 1) {
        EXPECT_EQ(c.stats.round_spread, 0);
      }
    }
    fs::remove(out);
  }
}

// --cache cold: the report says so, and every case took one call per sample
// (the CPU rounds in child processes too); a mode that is neither warm nor
// cold is a usage error.
TEST(Cli, ColdCachesTimeOneCallPerSample) {
  const std::string out = temp_path("cold.json");
  const auto r = run("run --batch-sizes 2 --force --no-fallback --cache cold --out " + out + " " + kFast);
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  EXPECT_EQ(rep.config["cache"], "cold");
  size_t timed = 0;
  for (const auto& c : rep.cases)
    if (c.status == "ok") {
      ++timed;
      EXPECT_EQ(c.iterations_per_sample, 1) << case_id(c);
    }
  EXPECT_GE(timed, 1u);
  fs::remove(out);
  const auto bad = run("run --out '' --cache hot " + kFast);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("--cache: expected warm or cold, not 'hot'"), std::string::npos) << bad.output;
}

// --resume of a partial report that was edited: an unfinished point whose
// rounds are what this run would have made goes on from them; one whose
// rounds cannot be (here: said to have run in this process while this run's
// ran in child processes) starts again instead of mixing the two.
TEST(Cli, ResumeKeepsConsistentRoundsAndRedoesTheRest) {
  const std::string out = temp_path("resume_edited.json");
  const std::string opts = " run --workloads mlp --batch-sizes 1,2 --layers 16,32,4 --rounds 3 --no-fallback " +
                           std::string("--min-time 0 --min-samples 3 --max-time 0.3 --out ") + out;
  ASSERT_EQ(run(opts + " --force").code, 0);
  json j;
  {
    std::ifstream in(out);
    j = json::parse(in);
  }
  // An interrupted run after pass 1: both points with their first round only.
  j["interrupted"] = true;
  j["completed_points"] = json::array();
  // case -> samples of round 1 (a GPU case has a single round: all of them)
  std::map<std::string, std::vector<double>> first_round;
  const auto key = [](const json& params, const std::string& backend, const std::string& variant,
                      const std::string& timing, int threads) {
    return params.dump() + "/" + backend + "/" + variant + "/" + timing + "/" + std::to_string(threads);
  };
  for (auto& c : j["cases"]) {
    const size_t n = c["round_sizes"][0].get<size_t>();
    const std::vector<double> all = c["samples_ns"].get<std::vector<double>>();
    c["samples_ns"] = std::vector<double>(all.begin(), all.begin() + long(n));
    c["round_sizes"] = {n};
    c["stats"] = nullptr;
    if (c["params"]["batch"] == 2) c["rounds_in"] = "this_process";
    first_round[key(c["params"], c["backend"], c["variant"], c["timing"], c["threads"])] =
        c["samples_ns"].get<std::vector<double>>();
  }
  {
    std::ofstream o(out);
    o << j.dump();
  }
  const auto r = run(opts + " --resume " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("0 of 2 point(s) already finished, 2 more begun"), std::string::npos) << r.output;
  const report done = read_report(out);
  ASSERT_EQ(done.completed_points.size(), 2u);
  for (const auto& c : done.cases) {
    ASSERT_EQ(c.round_sizes.size(), c.backend == "cpu" ? 3u : 1u) << case_id(c);
    const auto& kept = first_round.at(key(c.params, c.backend, c.variant, c.timing, c.threads));
    const bool prefix =
        c.samples_ns.size() >= kept.size() && std::equal(kept.begin(), kept.end(), c.samples_ns.begin());
    if (c.params["batch"] == 1)
      EXPECT_TRUE(prefix) << "batch 1 goes on from its first round";
    else
      EXPECT_FALSE(prefix) << "batch 2 starts again";
  }
  fs::remove(out);
}

// The child's half of a round: one JSON line with each case's samples, or an
// error line and exit 3 for a request it cannot serve.
TEST(Cli, CpuRoundChildAnswersInJson) {
  const json request = {{"workload", "mlp"},
                        {"params", {{"batch", 2}, {"layers", "16,32,4"}}},
                        {"seed", 7},
                        {"rule", {{"min_samples", 4}, {"min_time_s", 0}, {"max_noise", 0.5}, {"max_time_s", 1},
                                  {"cold", false}}},
                        {"cases", {{{"variant", 0}, {"threads", 1}, {"iterations", 3}}}}};
  const auto ok = run("internal cpu-round --request '" + request.dump() + "'");
  ASSERT_EQ(ok.code, 0) << ok.output;
  const json j = json::parse(ok.output);
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["iterations_per_sample"], 3) << "a later round times the first round's batches";
  EXPECT_GE(j["cases"][0]["samples_ns"].size(), 4u);
  for (const auto& t : j["cases"][0]["samples_ns"]) EXPECT_GT(t.get<double>(), 0);

  json cold = request;  // --cache cold: one call per sample, whatever the first round took
  cold["rule"]["cold"] = true;
  const auto one = run("internal cpu-round --request '" + cold.dump() + "'");
  ASSERT_EQ(one.code, 0) << one.output;
  EXPECT_EQ(json::parse(one.output)["cases"][0]["iterations_per_sample"], 1);

  json unknown = request;
  unknown["workload"] = "nope";
  const auto bad = run("internal cpu-round --request '" + unknown.dump() + "'");
  EXPECT_EQ(bad.code, 3);
  EXPECT_NE(bad.output.find("unknown workload"), std::string::npos) << bad.output;
  json no_variant = request;
  no_variant["cases"][0]["variant"] = 9;
  EXPECT_EQ(run("internal cpu-round --request '" + no_variant.dump() + "'").code, 3);
  EXPECT_EQ(run("internal cpu-round --request '{'").code, 3);
}

// Every workload end to end at tiny, awkward sizes (1, primes, non-multiples
// of every vector and tile width): verified, timed, in the report.
TEST(Cli, EveryWorkloadRunsAndVerifies) {
  const std::string suite = temp_path("tiny_suite.json");
  {
    std::ofstream f(suite);
    f << R"({"name": "tiny", "workloads": {
      "mlp": [{"batch": [1, 7], "layers": "16,32,4"}],
      "batched_gemm": [{"n": [16, 32], "batch": [1, 3]}],
      "reduce": [{"op": "sum", "n": [1, 1027]}, {"op": "rows", "n": [63], "cols": 7}],
      "scan": [{"type": ["int32", "fp32"], "n": [1, 1001]}],
      "sort": [{"kind": ["keys", "pairs"], "dist": ["uniform", "nearly_sorted"], "n": [1, 999]},
               {"kind": "keys", "dist": "uniform", "n": 5000, "cpu_variants": ["radix"]}],
      "elementwise": [{"op": ["saxpy", "gelu"], "n": [1, 1003]}]}})";
  }
  const std::string out = temp_path("tiny.json");
  const auto r = run("run --suite " + suite + " --cpu-threads 1,all --no-fallback --min-time 0 --min-samples 3 "
                     "--max-time 1 --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  const report rep = read_report(out);
  std::set<std::string> seen;
  for (const auto& c : rep.cases) {
    seen.insert(c.workload);
    if (c.backend == "cpu") {
      EXPECT_EQ(c.status, "ok") << c.workload << " " << c.params.dump() << " " << c.variant;
      ASSERT_TRUE(c.verification.has_value());
      EXPECT_TRUE(c.verification->passed) << c.verification->first_mismatch;
    }
    EXPECT_NE(c.status, "verify_failed") << c.workload << " " << c.params.dump() << " " << c.variant;
  }
  EXPECT_EQ(seen.size(), 6u);
  // A grid's cpu_variants: only the radix sort ran at n = 5000, on both thread counts.
  std::multiset<std::string> sort_5000;
  for (const auto& c : rep.cases)
    if (c.workload == "sort" && c.params["n"] == 5000 && c.backend == "cpu") sort_5000.insert(c.variant);
  EXPECT_EQ(sort_5000, (std::multiset<std::string>{"radix", "radix"}));
  EXPECT_TRUE(rep.system.peaks.is_object());
  EXPECT_TRUE(rep.crossovers.is_array());
  fs::remove(suite);
  fs::remove(out);
}

TEST(Cli, BadSuiteFilesNameTheField) {
  const std::string suite = temp_path("bad_suite.json");
  const std::pair<const char*, const char*> cases[] = {
      {R"({"workloads": {"reduce": [{"op": "sum", "n": [0]}]}})", "workloads.reduce[0].n[0]"},
      {R"({"workloads": {"reduce": [{"op": "max", "n": 4}]}})", "workloads.reduce[0].op"},
      {R"({"workloads": {"nope": []}})", "workloads.nope"},
      {R"({"workloads": {"sort": [{"kind": "keys", "n": 4}]}})", "workloads.sort[0].dist"},
      {R"({"workloads": {"sort": [{"kind": "keys", "dist": "uniform", "n": 4, "extra": 1}]}})", "extra"},
      {R"({"workloads": {"scan": [{"type": "int32", "n": 99999999999999999999}]}})", "workloads.scan[0].n"},
      {R"({"workloads": {"scan": [{"type": "int32", "n": 2147483648000}]}})", "workloads.scan[0].n"},
      {R"({"workloads": {"elementwise": [{"op": "gelu", "n": []}]}})", "empty list"},
      {R"({"workloads": {"reduce": [{"op": "rows", "n": 10, "cols": 3}]}})", "multiple of cols"},
      {R"({"workloads": 5})", "workloads"},
      {R"({"workloads": {"mlp": [{"batch": 1, "layers": "16,x"}]}})", "layers"},
      {R"({"workloads": {"reduce": [{"op": "sum", "n": 1)", "not valid JSON"},
      {R"({"max_time_s": 0, "workloads": {"reduce": [{"op": "sum", "n": 4}]}})", "max_time_s"},
      {R"({"max_time_s": "3", "workloads": {"reduce": [{"op": "sum", "n": 4}]}})", "max_time_s"},
      {R"({"max_time_s": 1e9, "workloads": {"reduce": [{"op": "sum", "n": 4}]}})", "max_time_s"},
      {R"({"workloads": {"sort": [{"kind": "keys", "dist": "uniform", "n": 4, "cpu_variants": ["std"]}]}})",
       "workloads.sort[0].cpu_variants: must list 'radix'"},
      {R"({"workloads": {"sort": [{"kind": "keys", "dist": "uniform", "n": 4, "cpu_variants": ["radix", "quick"]}]}})",
       "workloads.sort[0].cpu_variants[1]: 'quick' is not a CPU variant of sort (known: radix, std)"},
      {R"({"workloads": {"sort": [{"kind": "keys", "dist": "uniform", "n": 4, "cpu_variants": "radix"}]}})",
       "workloads.sort[0].cpu_variants: expected a list"},
      {R"({"workloads": {"sort": [{"kind": "keys", "dist": "uniform", "n": 4, "cpu_variants": ["radix", "radix"]}]}})",
       "listed twice"},
  };
  for (const auto& [text, expect] : cases) {
    {
      std::ofstream f(suite);
      f << text;
    }
    const auto r = run("run --out '' --suite " + suite);
    EXPECT_EQ(r.code, 2) << text << "\n" << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << text << "\n" << r.output;
    EXPECT_EQ(r.output.find("terminate"), std::string::npos) << r.output;
  }
  EXPECT_EQ(run("run --out '' --suite no_such_suite").code, 2);
  EXPECT_EQ(run("run --out '' --suite /no/such/file.json").code, 2);
  fs::remove(suite);
}

// A suite's "max_time_s" is its default for --max-time (the quick suite's
// keeps CI runs short when every case is noisy); --max-time still wins.
TEST(Cli, SuiteSetsItsOwnMaxTimeUnlessTheFlagIsGiven) {
  const std::string suite = temp_path("timed_suite.json"), out = temp_path("timed_suite_run.json");
  std::ofstream(suite) << R"({"max_time_s": 0.25, "workloads": {"reduce": [{"op": "sum", "n": 64}]}})";
  const std::string common = "run --suite " + suite + " --no-fallback --rounds 1 --min-time 0 --force --out " + out;
  auto r = run(common);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_report(out).config["max_time_s"].get<double>(), 0.25);
  r = run(common + " --max-time 0.5");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_report(out).config["max_time_s"].get<double>(), 0.5);
  const auto quick = run("list --suite quick --json");
  ASSERT_EQ(quick.code, 0) << quick.output;
  EXPECT_GT(json::parse(quick.output).value("max_time_s", 0.0), 0.0);
  fs::remove(suite);
  fs::remove(out);
}

TEST(Cli, BuiltInSuitesPrintAndParseBack) {
  for (const char* name : {"quick", "default", "full"}) {
    const auto r = run(std::string("list --suite ") + name + " --json");
    ASSERT_EQ(r.code, 0) << r.output;
    const auto j = json::parse(r.output);
    EXPECT_EQ(j["name"], name);
    EXPECT_TRUE(j["workloads"].contains("sort"));
  }
}

TEST(Cli, FormatsOverwriteProtectionAndReportVerb) {
  const std::string out = temp_path("fmt.json");
  auto r = run("run --batch-sizes 1 --no-fallback --format console,json,csv,md,html,junit,gbench,bench-speedup --out " +
               out + " " + kFast);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string stem = out.substr(0, out.size() - 5);
  for (const char* ext : {".csv", ".md", ".html", ".junit.xml", ".gbench.json", ".speedup.json"})
    EXPECT_TRUE(fs::exists(stem + ext)) << ext;
  // An existing report is not overwritten without --force.
  r = run("run --batch-sizes 1 --no-fallback --out " + out + " " + kFast);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  EXPECT_EQ(run("run --batch-sizes 1 --no-fallback --force --out " + out + " " + kFast).code, 0);
  // ... nor is another report's Markdown beside a new --out.
  const std::string fresh = temp_path("fresh.json"), fresh_md = temp_path("fresh.md");
  std::ofstream(fresh_md) << "someone's notes\n";
  r = run("run --batch-sizes 1 --no-fallback --format md --out " + fresh + " " + kFast);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(fresh_md + " already exists"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(fresh));
  // A folder where the Markdown would go: --force cannot replace it either.
  fs::remove(fresh_md);
  fs::create_directory(fresh_md);
  r = run("run --batch-sizes 1 --no-fallback --format md --force --out " + fresh + " " + kFast);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find(fresh_md + " (the md report) is a folder"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(fresh));
  // --out names the JSON report: a Markdown name would get JSON in it.
  r = run("run --batch-sizes 1 --no-fallback --format md --out " + temp_path("summary.md") + " " + kFast);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("would hold the JSON report"), std::string::npos) << r.output;
  // Nor is "-", which is stdout to report but would be a file named "-" here.
  r = run("run --batch-sizes 1 --no-fallback --out - " + kFast);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--out: run prints its console to stdout"), std::string::npos) << r.output;
  // Re-rendering a saved report.
  r = run("report " + out + " --format md");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("## accelbench"), std::string::npos);
  EXPECT_EQ(run("report " + out + " --format pdf").code, 2);
  r = run("report " + out + " --format console,json --out " + temp_path("two_formats.json"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("give one --format with --out FILE"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(temp_path("two_formats.json")));
  r = run("report " + out + " --format csv,md");  // to stdout, one after the other
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("workload,backend,"), std::string::npos);
  EXPECT_NE(r.output.find("## accelbench"), std::string::npos);
  // A run compared with itself: every case matched, nothing fails.
  r = run("compare " + out + " " + out + " --format md");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("accelbench compare"), std::string::npos);
  // Thresholds as percentages are the same fractions.
  r = run("compare " + out + " " + out + " --noise 1% --warn 3% --fail 12.5% --format json");
  EXPECT_EQ(r.code, 0) << r.output;
  const json options = json::parse(r.output)["options"];
  EXPECT_DOUBLE_EQ(options["noise"].get<double>(), 0.01);
  EXPECT_DOUBLE_EQ(options["warn"].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(options["fail"].get<double>(), 0.125);
  r = run("compare " + out + " " + out);  // the console, by default
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("mlp/batch=1 layers=16,32,4/cpu/eigen/cpu/all"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("summary: 0 faster, 0 slower"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("hardware:"), std::string::npos) << r.output;  // one machine
  {  // Nothing in common (another batch size everywhere): listed, then exit 2.
    json other = json::parse(std::ifstream(out));
    for (auto& c : other["cases"]) c["params"]["batch"] = 2;
    const std::string other_path = temp_path("other_batch.json");
    std::ofstream(other_path) << other.dump();
    r = run("compare " + out + " " + other_path);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("only in candidate: mlp/batch=2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("no case of " + other_path + " matches"), std::string::npos) << r.output;
  }
  EXPECT_EQ(run("compare " + out + " /no/such.json").code, 2);
  EXPECT_EQ(run("report /no/such.json").code, 2);
  EXPECT_EQ(run("run --out '' --format pdf " + kFast).code, 2);
  r = run("run --out '' --format console,md " + kFast);  // nowhere to put the Markdown
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--format md: written beside the JSON report"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("running"), std::string::npos) << r.output;
  // validate: a p99 no machine meets fails the run; a bad targets file is an input error.
  const std::string targets = temp_path("targets.json");
  std::ofstream(targets) << R"({"workloads": {"mlp": {"p99_ns": {"max": 0.001, "severity": "error"}}}})";
  r = run("validate " + out + " --targets " + targets);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("validate FAILED"), std::string::npos) << r.output;
  std::ofstream(targets) << R"({"workloads": {"mlp": {"p99_ns": {"max": 1e15, "severity": "error"}}}})";
  r = run("validate " + out + " --targets " + targets + " --format json");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(json::parse(r.output)["passed"].get<bool>());
  std::ofstream(targets) << R"({"workloads": {"mlp": {"p99_ns": {"max": 1, "severity": "loud"}}}})";
  r = run("validate " + out + " --targets " + targets);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("workloads.mlp.p99_ns.severity"), std::string::npos) << r.output;
  EXPECT_EQ(run("validate " + out + " --targets /no/such.json").code, 2);
  fs::remove(targets);
  for (const char* ext : {".json", ".csv", ".md", ".html", ".junit.xml", ".gbench.json", ".speedup.json"})
    fs::remove(stem + ext);
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

// A value listed twice would run a point twice; refused as a likely typo.
TEST(Cli, AValueListedTwiceIsAUsageError) {
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {"--batch-sizes 1,16,1", "--batch-sizes: 1 is listed twice"},
           {"--cpu-threads 2,1,2", "--cpu-threads: 2 is listed twice"},
           {"--cpu-threads all,all", "--cpu-threads: all is listed twice"},
           {"--workloads reduce,mlp,reduce", "--workloads: reduce is listed twice"}}) {
    // kFast names its own --workloads.
    const auto r = run("run --out '' " + args + (args.find("--workloads") == 0 ? "" : " " + kFast));
    EXPECT_EQ(r.code, 2) << args << ": " << r.output;
    EXPECT_NE(r.output.find(says), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("running"), std::string::npos) << "ran with " << args;
  }
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
    const double overhead = e["steady_ns"]["p50"].get<double>() - e["direct_cpu_ns"]["p50"].get<double>();
    EXPECT_DOUBLE_EQ(e["overhead_ns"].get<double>(), overhead) << "overhead = fallback - direct";
    EXPECT_DOUBLE_EQ(e["overhead_pct"].get<double>(), 100 * overhead / e["direct_cpu_ns"]["p50"].get<double>());
    // The same from the pairs: the median of their differences inside its CI.
    const json& paired = e["overhead_paired_ns"];
    const double m = paired["median"].get<double>();
    EXPECT_LE(paired["ci95"][0].get<double>(), m);
    EXPECT_GE(paired["ci95"][1].get<double>(), m);
    EXPECT_DOUBLE_EQ(e["overhead_paired_pct"].get<double>(), 100 * m / e["direct_cpu_ns"]["p50"].get<double>());
    EXPECT_GE(e["steady_ns"]["n"].get<int>(), 50);
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

namespace {
// A /proc file's text; empty when the process is gone. (Its read fails with
// ESRCH once the process has exited, and an ifstream would throw.)
std::string read_proc(const fs::path& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  ::close(fd);
  return text;
}

// The processes running a CPU round for a run with this seed; with `parent`,
// only its children (under ASan, LeakSanitizer's tracer at a child's exit is
// a process of its own with the child's command line).
std::vector<pid_t> cpu_round_pids(const std::string& seed, pid_t parent = 0) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string cmdline = read_proc(e.path() / "cmdline");
    if (cmdline.find("cpu-round") == std::string::npos || cmdline.find("\"seed\":" + seed) == std::string::npos)
      continue;
    if (parent != 0) {  // /proc/PID/stat: "pid (comm) state ppid ..."
      const std::string stat = read_proc(e.path() / "stat");
      const size_t close = stat.rfind(')');
      if (close == std::string::npos || std::atoi(stat.c_str() + close + 4) != parent) continue;
    }
    pids.push_back(pid_t(std::atoi(e.path().filename().c_str())));
  }
  return pids;
}
int cpu_round_children(const std::string& seed) { return int(cpu_round_pids(seed).size()); }

// Starts `accelbench run ARGS` with its output in `log`; returns its pid.
pid_t start_run(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(ACCELBENCH_BIN) + " run" + args + " >" + log + " 2>&1";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), (char*)nullptr);
    ::_exit(127);
  }
  return pid;
}
}  // namespace

// SIGINT while the fallback latency is measured (after every case): exit 130
// at once, every case saved, the report marked interrupted.
TEST(Cli, InterruptDuringTheFallbackMeasurementIsHonoured) {
  const std::string out = temp_path("fallback_interrupted.json"), log = out + ".log";
  const pid_t pid = start_run(" --batch-sizes 1 --rounds 1 --rounds-in this_process " + kFast + " --out " + out, log);
  ASSERT_GT(pid, 0);
  const auto log_text = [&] {
    std::ifstream f(log);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  bool reached = false;
  for (int i = 0; i < 60000 && !reached; ++i) {
    reached = log_text().find("running fallback latency") != std::string::npos;
    if (!reached) ::usleep(5 * 1000);
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string output = log_text();
  ASSERT_TRUE(reached) << output;
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  const report rep = read_report(out);
  EXPECT_TRUE(rep.interrupted);
  EXPECT_EQ(rep.completed_points.size(), 1u);
  EXPECT_FALSE(rep.cases.empty());
  fs::remove(out);
  fs::remove(log);
}

// A CPU round's child process killed (say, by the out-of-memory killer) stops
// the run with exit 3 and the reason, but everything finished is saved,
// marked interrupted, and --resume finishes it.
TEST(Cli, AKilledCpuRoundChildKeepsWhatFinished) {
  const std::string out = temp_path("child_killed.json"), log = out + ".log";
  const std::string args = " --workloads mlp --batch-sizes 1,2 --layers 16,32,4 --rounds 2 --no-fallback"
                           " --seed 4242 --min-time 2 --max-noise 0.0001 --max-time 2";
  const pid_t pid = start_run(args + " --out " + out, log);
  ASSERT_GT(pid, 0);
  // Every round runs in a child for about a second: pass 1 the two points'
  // first rounds, pass 2 their second. The third child dies.
  std::set<pid_t> seen;
  pid_t victim = 0;
  bool checkpoint_marked = false;  // the checkpoint on disk before the kill said the run had not finished
  for (int i = 0; i < 60000 && victim == 0; ++i) {
    const auto pids = cpu_round_pids("4242", pid);
    seen.insert(pids.begin(), pids.end());
    if (seen.size() < 3 || pids.empty()) {
      ::usleep(5 * 1000);
      continue;
    }
    std::ifstream f(out);
    checkpoint_marked = f && json::parse(f, nullptr, false).value("interrupted", false);
    if (::kill(pids[0], SIGKILL) == 0) victim = pids[0];
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream log_in(log);
  const std::string output(std::istreambuf_iterator<char>(log_in), {});
  ASSERT_NE(victim, 0) << "no CPU round child seen\n" << output;
  EXPECT_TRUE(checkpoint_marked) << "a checkpoint must say interrupted: the run was not over";
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 3) << output;
  const report rep = read_report(out);
  EXPECT_TRUE(rep.interrupted);
  // Both points' first CPU rounds, and with a GPU their GPU cases (pass 1 times those).
  size_t cpu_cases = 0;
  for (const auto& c : rep.cases) cpu_cases += c.backend == "cpu";
  EXPECT_EQ(cpu_cases, 2u);
  EXPECT_NE(output.find("killed by signal 9, no result; " + std::to_string(rep.cases.size()) +
                        " finished case(s) saved in " + out),
            std::string::npos)
      << output;
  ASSERT_EQ(rep.warnings.size() >= 1, true);
  EXPECT_NE(rep.warnings.back().find("the run stopped early: a CPU round in a child process"), std::string::npos);
  const auto r = run("run" + args + " --resume " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  const report done = read_report(out);
  EXPECT_FALSE(done.interrupted);
  EXPECT_EQ(done.completed_points.size(), 2u);
  fs::remove(out);
  fs::remove(log);
}

// SIGINT mid-run: exit 130, and the report holds every finished case, marked
// interrupted, reads back as a valid report, and --resume finishes it. The
// signal reaches only the parent: the child running its CPU round goes too.
// With rounds in child processes (spread over passes of the suite) a resumed
// run keeps every round of the partial report and adds the rest; with
// rounds in this process it keeps every completed point as it was.
TEST(Cli, InterruptedRunSavesFinishedCases) {
  for (const std::string where : {"child_processes", "this_process"}) {
    SCOPED_TRACE(where);
    const std::string out = temp_path("interrupted.json");
    const std::string opts = " --workloads mlp --batch-sizes 1,2,3,4,5,6,7,8 --layers 16,32,4 --rounds-in " + where +
                             " --no-fallback";
    const std::string rule = " --seed 90210 --min-time 0.4 --max-noise 0.0001 --max-time 0.4";
    const std::string log = out + ".log";  // shown with any failure below
    const std::string cmd = std::string(ACCELBENCH_BIN) + " run" + opts + rule + " --out " + out + " >" + log + " 2>&1";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), (char*)nullptr);
      ::_exit(127);
    }
    // Wait until the first point has been checkpointed, then interrupt. With a
    // fixed 60 s wait, an interrupt that came before the first checkpoint failed
    // the test once in 25 runs beside a looping OpenMP test on 2 cores.
    const auto t0 = std::chrono::steady_clock::now();
    const auto waited_s = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    while (!fs::exists(out) && waited_s() < 300) ::usleep(50 * 1000);
    const bool checkpointed = fs::exists(out);
    const double waited = waited_s();
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::ifstream log_in(log);
    SCOPED_TRACE("the interrupted run's output:\n" + std::string(std::istreambuf_iterator<char>(log_in), {}));
    ASSERT_TRUE(checkpointed) << "no checkpoint after " << waited << " s";
    SCOPED_TRACE("interrupted " + std::to_string(waited) + " s after the start");
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_EQ(cpu_round_children("90210"), 0) << "a CPU round's child outlived the interrupted run";
    const report rep = read_report(out);
    EXPECT_TRUE(rep.interrupted);
    EXPECT_FALSE(rep.cases.empty());
    EXPECT_LT(rep.completed_points.size(), 8u) << "the run should not have finished";
    for (const auto& c : rep.cases) EXPECT_FALSE(c.samples_ns.empty());

    // --resume: a different config is refused; the same one finishes the run.
    const std::string args = " run" + opts + " --resume " + out;
    auto r = run(args + " --seed 7");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("config 'seed' differs"), std::string::npos) << r.output;
    r = run(args + rule);
    ASSERT_EQ(r.code, 0) << r.output;
    const report done = read_report(out);
    EXPECT_FALSE(done.interrupted);
    EXPECT_EQ(done.resumed_from, out);
    EXPECT_EQ(done.completed_points.size(), 8u);
    std::set<std::string> batches;
    for (const auto& c : done.cases) {
      batches.insert(c.params["batch"].dump());
      EXPECT_EQ(c.round_sizes.size(), c.backend == "cpu" ? 5u : 1u) << case_id(c);
    }
    EXPECT_EQ(batches.size(), 8u);
    for (const auto& c : rep.cases) {
      bool completed = false;
      for (const auto& p : rep.completed_points) completed |= p["params"] == c.params;
      if (where == "this_process" && !completed) continue;  // an unfinished point starts again
      const case_result* d = nullptr;
      for (const auto& x : done.cases)
        if (x.params == c.params && x.backend == c.backend && x.variant == c.variant && x.timing == c.timing &&
            x.threads == c.threads)
          d = &x;
      ASSERT_NE(d, nullptr) << case_id(c);
      // The partial report's rounds, then the rest.
      ASSERT_GE(d->round_sizes.size(), c.round_sizes.size()) << case_id(c);
      EXPECT_TRUE(std::equal(c.round_sizes.begin(), c.round_sizes.end(), d->round_sizes.begin())) << case_id(c);
      ASSERT_GE(d->samples_ns.size(), c.samples_ns.size()) << case_id(c);
      EXPECT_TRUE(std::equal(c.samples_ns.begin(), c.samples_ns.end(), d->samples_ns.begin())) << case_id(c);
      if (completed) {
        EXPECT_EQ(d->samples_ns, c.samples_ns) << case_id(c);
      }
    }
    if (where == "this_process") {
      EXPECT_FALSE(rep.completed_points.empty());
    } else {
      EXPECT_TRUE(rep.completed_points.empty()) << "no point has all its rounds before the last pass";
    }
    EXPECT_EQ(run(args + rule).code, 2) << "nothing left to resume";
    fs::remove(out);
    fs::remove(log);
  }
}
