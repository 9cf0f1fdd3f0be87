// bench/resume.cpp: --resume refuses a partial report from another config,
// machine, build or code, naming the difference, and lets output-only options differ.
#include <gtest/gtest.h>

#include <functional>

#include "resume.hpp"

using namespace accel;

namespace {

report partial_run() {
  report r;
  r.tool_version = "1.0.0";
  r.git_sha = "abc1234";
  r.config = {{"seed", 42}, {"workloads", {"mlp"}}, {"out", "a.json"}, {"formats", {"json"}}};
  r.system.cpu_model = "Test CPU 9000";
  r.system.cpu_cores = 16;
  r.system.cpu_allowed = 16;
  r.system.cuda_built = true;
  gpu_info g;
  g.name = "NVIDIA H100 80GB HBM3";
  r.system.gpus = {g};
  return r;
}

void expect_refused(const std::function<void(report&)>& change, const std::string& named) {
  report fresh = partial_run();
  change(fresh);
  try {
    check_resumable(partial_run(), fresh);
    ADD_FAILURE() << "resumed although " << named << " differs";
  } catch (const input_error& e) {
    EXPECT_NE(std::string(e.what()).find(named + " differs"), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Resume, TheSameRunResumesWhateverItsOutputs) {
  report fresh = partial_run();
  fresh.config["out"] = "b.json";
  fresh.config["formats"] = {"json", "md"};
  EXPECT_NO_THROW(check_resumable(partial_run(), fresh));
}

TEST(Resume, EachDifferenceIsRefusedByName) {
  expect_refused([](report& r) { r.config["seed"] = 7; }, "config 'seed'");
  expect_refused([](report& r) { r.config["rounds"] = 5; }, "config 'rounds'");
  expect_refused([](report& r) { r.system.cpu_model = "Other CPU"; }, "the CPU");
  expect_refused([](report& r) { r.system.cpu_cores = 8; }, "the CPU count");
  expect_refused([](report& r) { r.system.cpu_allowed = 4; }, "the CPUs this process may run on");
  expect_refused([](report& r) { r.system.gpus[0].name = "NVIDIA H200"; }, "the GPUs");
  expect_refused([](report& r) { r.system.gpus.clear(); }, "the GPUs");
  expect_refused([](report& r) { r.system.cuda_built = false; }, "the build (CUDA)");
  expect_refused([](report& r) { r.git_sha = "def5678"; }, "the accelbench build");
  expect_refused([](report& r) { r.tool_version = "1.0.1"; }, "the accelbench build");
  // Same name, other code: two -dirty builds of one commit.
  expect_refused([](report& r) { r.sources["mlp/gpu"] = "0123456789abcdef"; }, "the code (tool.sources)");
}

TEST(Resume, AReportWithoutConfigIsRefused) {
  report partial = partial_run();
  partial.config = json::object();
  EXPECT_THROW(check_resumable(partial, partial_run()), input_error);
}
