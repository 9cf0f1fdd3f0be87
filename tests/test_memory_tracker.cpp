// common/memory_tracker.cpp (the device-memory accounting) and
// bench/capacity.cpp (the largest MLP batch that fits).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "capacity.hpp"
#include "memory_tracker.hpp"
#include "mlp_model.hpp"

using namespace accel;

TEST(MemoryTracker, CountsCurrentPeakAndAllocations) {
  memory_tracker t;
  EXPECT_TRUE(t.try_reserve(100));
  EXPECT_TRUE(t.try_reserve(50));
  t.release(100);
  EXPECT_TRUE(t.try_reserve(30));
  EXPECT_EQ(t.current_bytes(), 80u);
  EXPECT_EQ(t.peak_bytes(), 150u);
  EXPECT_EQ(t.allocations(), 3u);
  t.reset_peak();
  EXPECT_EQ(t.peak_bytes(), 80u);
  EXPECT_TRUE(t.try_reserve(10));  // a step smaller than the last reservation still raises the peak
  EXPECT_EQ(t.peak_bytes(), 90u);
}

TEST(MemoryTracker, LimitRefusesWithoutReserving) {
  memory_tracker t;
  t.set_limit(1000);
  EXPECT_TRUE(t.try_reserve(600));
  EXPECT_FALSE(t.try_reserve(401));
  EXPECT_EQ(t.current_bytes(), 600u);
  EXPECT_EQ(t.allocations(), 1u);
  EXPECT_TRUE(t.try_reserve(400));
  EXPECT_FALSE(t.try_reserve(1));
  EXPECT_FALSE(t.try_reserve(UINT64_MAX));  // no wrap-around
}

TEST(MemoryTracker, ConcurrentReservationsBalance) {
  memory_tracker t;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 10000; ++k) {
        ASSERT_TRUE(t.try_reserve(8));
        t.release(8);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.current_bytes(), 0u);
  EXPECT_EQ(t.allocations(), 40000u);
  EXPECT_LE(t.peak_bytes(), 32u);
}

// Under --device-memory-limit the largest batch is what fits beside the
// model: every buffer an MLP run holds on the device (gpu/mlp_gpu.cu: the
// weights and biases, and per batch row the input, two hidden activations of
// the widest hidden layer and the output), counted here from a real model.
TEST(Capacity, LargestBatchUnderTheLimitCountsEveryDeviceBuffer) {
  run_config cfg;
  cfg.layers = {96, 200, 150, 10};
  const mlp_model m = make_mlp({96, 200, 150, 10}, 1);
  uint64_t fixed = 0;
  for (int l = 0; l < m.layers(); ++l) fixed += 4 * (m.weights[size_t(l)].size() + m.biases[size_t(l)].size());
  const uint64_t per_row = 4 * (96 + 2 * 200 + 10);
  gpu_probe none;
  none.built_with_cuda = true;
  none.reason = "test: no device";
  const uint64_t limit = uint64_t(64) << 20;
  const json c = measure_capacity(cfg, none, limit);
  ASSERT_TRUE(c["measured"].get<bool>()) << c.dump();
  EXPECT_EQ(c["basis"], "device_memory_limit");
  EXPECT_EQ(c["largest_batch"].get<uint64_t>(), (limit - fixed) / per_row);
  EXPECT_TRUE(c["checked_by_allocation"].is_null()) << "no device to allocate on";
  EXPECT_NE(c["check_reason"].get<std::string>().find("test: no device"), std::string::npos);
  // Without a limit the basis is the device's free memory, which needs a device.
  EXPECT_FALSE(measure_capacity(cfg, none, 0)["measured"].get<bool>());
}
