// Non-temporal ("streaming") stores, for outputs too large to stay in cache.
// A plain store first reads the cache line it writes (write-allocate), so a
// memory-bound kernel that writes an array it does not read moves more bytes
// than it needs: the out-of-place saxpy 4 array passes for 3. Streaming
// stores write whole lines without reading them. Where the output would stay
// in cache they lose (it goes to memory), so saxpy streams only when a call
// touches more bytes than the last-level cache holds. (GELU and the scan were
// tried and keep plain stores: README, "The batched workloads".)
#pragma once
#include <cstddef>

namespace accel {

// How a kernel stores its output: `automatic` streams when the call's bytes
// exceed the last-level cache (stream_pays); the others force one way (tests).
enum class store_mode { automatic, cached, streaming };

// True when `bytes_touched` (inputs and output of one call) exceed the
// last-level cache of CPU 0 (caches.hpp).
bool stream_pays(size_t bytes_touched);
bool use_streaming(store_mode mode, size_t bytes_touched);

// Copies n floats from src (a small buffer in L1) to dst with streaming
// stores where the build has them (SSE2 and wider on x86-64; plain stores
// elsewhere), plain stores for the unaligned head and the tail. Call
// stream_fence() after a thread's last copy, before another thread reads dst.
void stream_copy(float* dst, const float* src, size_t n);
void stream_fence();

}  // namespace accel
