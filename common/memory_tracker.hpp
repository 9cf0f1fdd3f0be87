// Counts device memory: every device allocation of every workload reserves its
// bytes here first. Host-only logic, so it is tested on machines without a GPU.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace accel {

class memory_tracker {
 public:
  // Reserves `bytes`; false (nothing reserved) when it would pass the limit.
  bool try_reserve(size_t bytes);
  void release(size_t bytes);

  // 0 = no limit. --device-memory-limit sets it, as if the card were smaller.
  void set_limit(uint64_t bytes) { limit_.store(bytes); }
  uint64_t limit() const { return limit_.load(); }

  uint64_t current_bytes() const { return current_.load(); }
  uint64_t peak_bytes() const { return peak_.load(); }
  uint64_t allocations() const { return allocations_.load(); }
  // Starts a new peak window (e.g. per case) at the current level.
  void reset_peak() { peak_.store(current_.load()); }

 private:
  std::atomic<uint64_t> limit_{0}, current_{0}, peak_{0}, allocations_{0};
};

// The process-wide tracker the GPU allocation wrappers use.
memory_tracker& device_memory();

}  // namespace accel
