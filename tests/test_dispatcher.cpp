// bench/dispatcher.cpp: every fallback trigger's path, with a fake GPU backend
// so the paths run on machines without a GPU, and the real one on this machine.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "cpu_threads.hpp"
#include "dispatcher.hpp"
#include "gpu.hpp"
#include "memory_tracker.hpp"
#include "verify.hpp"

using namespace accel;

namespace {

// A fake device run whose answer is recognisable and which can fail at a chosen step.
struct fake_state {
  gpu_error::kind fail_at = gpu_error::kind::other;
  bool failing = false;
  int alive = 0;  // device runs currently existing: a leak shows as > 0 after teardown
  int made = 0;
};

fake_state failing_at(gpu_error::kind k) {
  fake_state s;
  s.failing = true;
  s.fail_at = k;
  return s;
}

class fake_run final : public device_run {
 public:
  fake_run(fake_state& s, size_t n) : s_(s), out_(n, 0.5f) { ++s_.alive; }
  ~fake_run() override { --s_.alive; }
  void run_once() override {
    if (s_.failing && s_.fail_at != gpu_error::kind::alloc) throw gpu_error("fake failure", s_.fail_at);
  }
  void set_input(const void*) override {}
  const void* output() const override { return out_.data(); }
  size_t output_bytes() const override { return out_.size() * sizeof(float); }
  double time_kernel_ns(int) override { return 1; }
  double time_end_to_end_ns(int) override { return 1; }
  void set_cold(bool) override {}

 private:
  fake_state& s_;
  std::vector<float> out_;
};

gpu_backend fake_backend(fake_state& s, bool usable = true) {
  return {[usable] {
            gpu_probe p;
            p.built_with_cuda = true;
            p.usable = usable;
            p.reason = usable ? "" : "fake: no device";
            return p;
          },
          [&s](const mlp_model& m, const float*, int batch) -> std::unique_ptr<device_run> {
            if (s.failing && s.fail_at == gpu_error::kind::alloc) throw gpu_error("fake out of memory", gpu_error::kind::alloc);
            ++s.made;
            return std::make_unique<fake_run>(s, size_t(batch) * m.output_width());
          }};
}

struct fixture {
  mlp_model m = make_mlp({24, 40, 6}, 17);
  int batch = 5;
  std::vector<float> x = make_mlp_input(m, batch, 18);
  std::vector<float> direct = std::vector<float>(size_t(batch) * 6), got = std::vector<float>(size_t(batch) * 6);
  fixture() {
    set_cpu_threads(cpu_threads_available());
    mlp_cpu_workspace ws(m);
    mlp_forward_cpu(m, x.data(), batch, direct.data(), ws);
  }
};

}  // namespace

TEST(Dispatcher, HealthyGpuAnswers) {
  fixture f;
  fake_state s;
  mlp_dispatcher d(f.m, backend_mode::automatic, fake_backend(s));
  const answer a = d.predict(f.x.data(), f.batch, f.got.data());
  EXPECT_TRUE(a.by_gpu);
  EXPECT_EQ(f.got[0], 0.5f);  // the fake's answer
  d.predict(f.x.data(), f.batch, f.got.data());
  EXPECT_EQ(s.made, 1) << "the device session should be reused between requests";
}

// A request of another batch size gets a session of its size (the old one's
// buffers are too small), and the old session is gone first.
TEST(Dispatcher, ANewBatchSizeGetsANewSession) {
  fixture f;
  fake_state s;
  mlp_dispatcher d(f.m, backend_mode::automatic, fake_backend(s));
  ASSERT_TRUE(d.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
  const int bigger = 2 * f.batch;
  const std::vector<float> x2 = make_mlp_input(f.m, bigger, 19);
  std::vector<float> got2(size_t(bigger) * 6, -1.f);
  ASSERT_TRUE(d.predict(x2.data(), bigger, got2.data()).by_gpu);
  EXPECT_EQ(s.made, 2);
  EXPECT_EQ(s.alive, 1);
  EXPECT_EQ(got2.back(), 0.5f) << "the whole larger batch answered";
}

class DispatcherFault : public ::testing::TestWithParam<gpu_error::kind> {};

TEST_P(DispatcherFault, FallsBackWithTheTriggerAndRecovers) {
  fixture f;
  fake_state s = failing_at(GetParam());
  {
    mlp_dispatcher d(f.m, backend_mode::automatic, fake_backend(s), std::chrono::nanoseconds(0));
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    EXPECT_FALSE(a.by_gpu);
    EXPECT_EQ(a.trigger, trigger_name(GetParam()));
    EXPECT_EQ(f.got, f.direct) << "the fallback answer must be the CPU path's answer";
    EXPECT_EQ(s.alive, 0) << "a failed GPU request must not keep device resources";
    s.failing = false;  // the fault is gone
    EXPECT_TRUE(d.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
  }
  EXPECT_EQ(s.alive, 0);
}

// A persistent fault costs one GPU attempt per retry interval, not one per
// request: meanwhile the CPU answers with the remembered trigger and reason.
TEST_P(DispatcherFault, AFailureIsRememberedUntilTheRetryInterval) {
  fixture f;
  fake_state s = failing_at(GetParam());
  mlp_dispatcher d(f.m, backend_mode::automatic, fake_backend(s), std::chrono::hours(1));
  const answer first = d.predict(f.x.data(), f.batch, f.got.data());
  const int attempts = s.made;
  s.failing = false;  // gone, but not retried within the hour
  for (int i = 0; i < 5; ++i) {
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    EXPECT_FALSE(a.by_gpu) << i;
    EXPECT_EQ(a.trigger, first.trigger);
    EXPECT_EQ(a.reason, first.reason);
    EXPECT_EQ(f.got, f.direct);
  }
  EXPECT_EQ(s.made, attempts) << "the GPU was tried again within the retry interval";

  const auto interval = std::chrono::milliseconds(5);
  s.failing = true;
  mlp_dispatcher brief(f.m, backend_mode::automatic, fake_backend(s), interval);
  EXPECT_FALSE(brief.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
  s.failing = false;
  std::this_thread::sleep_for(2 * interval);
  EXPECT_TRUE(brief.predict(f.x.data(), f.batch, f.got.data()).by_gpu) << "no retry after the interval";
  EXPECT_TRUE(brief.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
}

INSTANTIATE_TEST_SUITE_P(Triggers, DispatcherFault,
                         ::testing::Values(gpu_error::kind::alloc, gpu_error::kind::launch, gpu_error::kind::sync));

TEST(Dispatcher, StrictGpuModeRaisesInsteadOfFallingBack) {
  fixture f;
  fake_state s = failing_at(gpu_error::kind::launch);
  mlp_dispatcher d(f.m, backend_mode::gpu_only, fake_backend(s));
  EXPECT_THROW(d.predict(f.x.data(), f.batch, f.got.data()), gpu_error);
  mlp_dispatcher none(f.m, backend_mode::gpu_only, fake_backend(s, false));
  EXPECT_THROW(none.predict(f.x.data(), f.batch, f.got.data()), gpu_error);
}

TEST(Dispatcher, CpuModeNeverTouchesTheGpu) {
  fixture f;
  fake_state s;
  gpu_backend b = fake_backend(s);
  bool probed = false;
  b.probe = [&] {
    probed = true;
    return gpu_probe{};
  };
  mlp_dispatcher d(f.m, backend_mode::cpu_only, b);
  EXPECT_FALSE(d.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
  EXPECT_FALSE(probed);
  EXPECT_EQ(f.got, f.direct);
}

TEST(Dispatcher, NoDeviceIsDetectedOnceAndCached) {
  fixture f;
  fake_state s;
  gpu_backend b = fake_backend(s, false);
  int probes = 0;
  auto inner = b.probe;
  b.probe = [&] {
    ++probes;
    return inner();
  };
  mlp_dispatcher d(f.m, backend_mode::automatic, b);
  for (int i = 0; i < 3; ++i) {
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    EXPECT_EQ(a.trigger, "no_device");
  }
  EXPECT_EQ(probes, 1);
}

// The real backend on this machine: without a GPU the trigger is the real
// "no device" (or "no CUDA") answer; with one, each injected fault falls back
// and the GPU answers again once the fault is cleared, with no tracked bytes left.
TEST(Dispatcher, RealBackendOnThisMachine) {
  fixture f;
  const gpu_probe p = gpu::probe();
  mlp_dispatcher d(f.m, backend_mode::automatic, real_gpu_backend(0), std::chrono::nanoseconds(0));
  if (!p.usable) {
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    EXPECT_FALSE(a.by_gpu);
    EXPECT_EQ(a.trigger, p.built_with_cuda ? "no_device" : "no_cuda");
    EXPECT_EQ(f.got, f.direct);
    return;
  }
  const uint64_t before = device_memory().current_bytes();
  for (auto [fault, name] : {std::pair{gpu::fault::alloc, "alloc"}, std::pair{gpu::fault::launch, "launch"},
                             std::pair{gpu::fault::sync, "sync"}}) {
    gpu::set_fault(fault);
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    gpu::set_fault(gpu::fault::none);
    EXPECT_FALSE(a.by_gpu) << name;
    EXPECT_EQ(a.trigger, name);
    EXPECT_EQ(f.got, f.direct) << name;
    EXPECT_EQ(device_memory().current_bytes(), before) << "leak after " << name;
    EXPECT_TRUE(d.predict(f.x.data(), f.batch, f.got.data()).by_gpu) << "no recovery after " << name;
  }
}

// A real out-of-memory on the device, not an injected one: with the card
// filled (as if by another process), the request falls back with trigger
// "alloc" and the CPU's answer, and leaves no tracked bytes; once the memory
// is back, the GPU answers again. Needs a GPU; left out of
// scripts/compute_sanitizer.sh (the sanitizer needs device memory itself).
TEST(Dispatcher, RealOutOfMemoryFallsBackAndRecovers) {
  const gpu_probe p = gpu::probe();
  if (!p.usable) GTEST_SKIP() << "no usable GPU: " << p.reason;
  fixture f;
  {  // context, cuBLAS and modules loaded before the card is filled
    mlp_dispatcher warm(f.m, backend_mode::automatic, real_gpu_backend(0), std::chrono::nanoseconds(0));
    ASSERT_TRUE(warm.predict(f.x.data(), f.batch, f.got.data()).by_gpu);
  }
  const uint64_t before = device_memory().current_bytes();
  mlp_dispatcher d(f.m, backend_mode::automatic, real_gpu_backend(0), std::chrono::nanoseconds(0));
  {
    // The cuBLAS variant's workspace alone is 32 MiB: what is left cannot hold
    // a session. On an H100 (driver 580) the driver still reported 6.4 MiB
    // free that no cudaMalloc, even of 64 KiB, would hand out.
    const auto hog = gpu::occupy_device_memory(0, uint64_t(1) << 20);
    uint64_t free_b = 0, total_b = 0;
    ASSERT_TRUE(gpu::memory_info(0, free_b, total_b));
    EXPECT_LT(free_b, uint64_t(16) << 20) << "the card was not filled";
    const answer a = d.predict(f.x.data(), f.batch, f.got.data());
    EXPECT_FALSE(a.by_gpu);
    EXPECT_EQ(a.trigger, "alloc") << a.reason;
    EXPECT_EQ(f.got, f.direct);
    EXPECT_EQ(device_memory().current_bytes(), before) << "a failed set-up left tracked bytes";
  }
  std::fill(f.got.begin(), f.got.end(), -1.f);
  const answer again = d.predict(f.x.data(), f.batch, f.got.data());
  EXPECT_TRUE(again.by_gpu) << "no recovery once the memory was back: " << again.reason;
  EXPECT_TRUE(verify_close(f.direct, f.got, {1e-5, 1e-3}).passed);
}
