// Unit tests for common/memory_tracker.cpp: the device-memory accounting.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "memory_tracker.hpp"

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
