#include "memory_tracker.hpp"

namespace accel {

bool memory_tracker::try_reserve(size_t bytes) {
  uint64_t cur = current_.load();
  for (;;) {
    const uint64_t lim = limit_.load();
    if (lim != 0 && (bytes > lim || cur > lim - bytes)) return false;
    if (current_.compare_exchange_weak(cur, cur + bytes)) break;
  }
  allocations_.fetch_add(1);
  const uint64_t now = cur + bytes;
  uint64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  return true;
}

void memory_tracker::release(size_t bytes) { current_.fetch_sub(bytes); }

memory_tracker& device_memory() {
  static memory_tracker tracker;
  return tracker;
}

}  // namespace accel
