// common/memory_tracker.cpp (the device-memory accounting) and
// bench/capacity.cpp (the largest MLP batch that fits).
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "capacity.hpp"
#include "device_run.hpp"
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

namespace {

// The bytes of every buffer an MLP run holds on the device (gpu/mlp_gpu.cu:
// the weights and biases, and per batch row the input, two activations of the
// widest hidden layer and the output), counted from a real model.
struct mlp_footprint {
  explicit mlp_footprint(const std::vector<int>& widths) {
    const mlp_model m = make_mlp(widths, 1);
    for (int l = 0; l < m.layers(); ++l) {
      fixed.push_back(4 * m.weights[size_t(l)].size());
      fixed.push_back(4 * m.biases[size_t(l)].size());
    }
    const uint64_t hidden = uint64_t(*std::max_element(widths.begin() + 1, widths.end() - 1));
    row_floats = {uint64_t(widths.front()), hidden, hidden, uint64_t(widths.back())};
  }
  std::vector<uint64_t> buffers(int64_t batch) const {
    std::vector<uint64_t> b = fixed;
    for (uint64_t f : row_floats) b.push_back(4 * f * uint64_t(batch));
    return b;
  }
  // What those buffers take on a device that rounds each up to `page` bytes.
  uint64_t paged_bytes(int64_t batch, uint64_t page) const {
    uint64_t used = 0;
    for (uint64_t b : buffers(batch)) used += (b + page - 1) / page * page;
    return used;
  }
  std::vector<uint64_t> fixed, row_floats;
};

// A device that rounds each allocation up to `page` bytes, as the driver
// does, and refuses what exceeds `free_bytes` in all.
capacity_probe paged_device(const mlp_footprint& fp, uint64_t free_bytes, uint64_t page, std::vector<int>* tried) {
  return {[free_bytes](uint64_t& f) {
            f = free_bytes;
            return true;
          },
          [=](int batch) {
            if (tried) tried->push_back(batch);
            if (fp.paged_bytes(batch, page) > free_bytes) throw gpu_error("fake: out of memory", gpu_error::kind::alloc);
          }};
}

const mlp_footprint& footprint() {
  static const mlp_footprint fp({96, 200, 150, 10});
  return fp;
}

run_config capacity_config() {
  run_config cfg;
  cfg.layers = {96, 200, 150, 10};
  return cfg;
}

gpu_probe usable_gpu() {
  gpu_probe g;
  g.built_with_cuda = g.usable = true;
  return g;
}

}  // namespace

// Under --device-memory-limit the largest batch is what fits beside the
// model; on a machine without a GPU it is computed, not checked.
TEST(Capacity, LargestBatchUnderTheLimitCountsEveryDeviceBuffer) {
  uint64_t fixed = 0;
  for (uint64_t b : footprint().fixed) fixed += b;
  const uint64_t per_row = 4 * (96 + 2 * 200 + 10);
  gpu_probe none;
  none.built_with_cuda = true;
  none.reason = "test: no device";
  const uint64_t limit = uint64_t(64) << 20;
  const json c = measure_capacity(capacity_config(), none, limit, paged_device(footprint(), 0, 1, nullptr));
  ASSERT_TRUE(c["measured"].get<bool>()) << c.dump();
  EXPECT_EQ(c["basis"], "device_memory_limit");
  EXPECT_EQ(c["largest_batch"].get<uint64_t>(), (limit - fixed) / per_row);
  EXPECT_TRUE(c["checked_by_allocation"].is_null()) << "no device to allocate on";
  EXPECT_NE(c["check_reason"].get<std::string>().find("test: no device"), std::string::npos);
  // Without a limit the basis is the device's free memory, which needs a device.
  EXPECT_FALSE(measure_capacity(capacity_config(), none, 0, paged_device(footprint(), 0, 1, nullptr))["measured"].get<bool>());
}

// The tracker counts bytes exactly: the computed batch allocates and one more
// row is refused.
TEST(Capacity, UnderTheLimitTheComputedBatchIsChecked) {
  const uint64_t limit = uint64_t(64) << 20;
  const json c = measure_capacity(capacity_config(), usable_gpu(), limit, paged_device(footprint(), limit, 1, nullptr));
  EXPECT_TRUE(c["checked_by_allocation"].get<bool>()) << c.dump();
  EXPECT_TRUE(c["next_batch_refused"].get<bool>()) << c.dump();
  EXPECT_FALSE(c.contains("largest_allocated_batch"));
}

// The driver's free memory is not all allocatable: with every buffer rounded
// up to a 2 MiB page the computed batch fails, and the report says which
// batch really fits: the largest that allocates, one more row does not.
TEST(Capacity, WhenTheComputedBatchDoesNotAllocateTheLargestThatDoesIsFound) {
  const uint64_t free_bytes = uint64_t(1) << 30, page = uint64_t(2) << 20;
  std::vector<int> tried;
  const json c = measure_capacity(capacity_config(), usable_gpu(), 0, paged_device(footprint(), free_bytes, page, &tried));
  ASSERT_TRUE(c["measured"].get<bool>()) << c.dump();
  EXPECT_EQ(c["basis"], "device_free_bytes");
  EXPECT_FALSE(c["checked_by_allocation"].get<bool>()) << c.dump();
  EXPECT_NE(c["check_reason"].get<std::string>().find("fake: out of memory"), std::string::npos);
  const int64_t computed = c["largest_batch"].get<int64_t>(), found = c["largest_allocated_batch"].get<int64_t>();
  const auto fits = [&](int64_t batch) { return footprint().paged_bytes(batch, page) <= free_bytes; };

  int64_t want = computed;
  while (want > 0 && !fits(want)) --want;
  EXPECT_LT(want, computed);
  EXPECT_EQ(found, want);
  EXPECT_LE(tried.size(), 40u) << "bisection, not a walk";
  EXPECT_FALSE(c.contains("next_batch_refused")) << "only asked under a limit";
}
