#include "stream_store.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "caches.hpp"

namespace accel {

void stream_copy(float* dst_f, const float* src_f, size_t n) {
  auto* dst = reinterpret_cast<unsigned char*>(dst_f);
  const auto* src = reinterpret_cast<const unsigned char*>(src_f);
  size_t bytes = n * sizeof(float);
#if defined(__AVX512F__)
  constexpr size_t kVec = 64;
#elif defined(__AVX__)
  constexpr size_t kVec = 32;
#elif defined(__SSE2__)
  constexpr size_t kVec = 16;
#else
  constexpr size_t kVec = 0;
#endif
  if constexpr (kVec > 0) {
    // Plain stores up to the first vector boundary (dst is 4-byte aligned).
    const size_t head = std::min(bytes, (kVec - reinterpret_cast<uintptr_t>(dst) % kVec) % kVec);
    std::memcpy(dst, src, head);
    dst += head, src += head, bytes -= head;
    for (; bytes >= kVec; dst += kVec, src += kVec, bytes -= kVec) {
#if defined(__AVX512F__)
      _mm512_stream_ps(reinterpret_cast<float*>(dst), _mm512_loadu_ps(reinterpret_cast<const float*>(src)));
#elif defined(__AVX__)
      _mm256_stream_ps(reinterpret_cast<float*>(dst), _mm256_loadu_ps(reinterpret_cast<const float*>(src)));
#elif defined(__SSE2__)
      _mm_stream_ps(reinterpret_cast<float*>(dst), _mm_loadu_ps(reinterpret_cast<const float*>(src)));
#endif
    }
  }
  std::memcpy(dst, src, bytes);
}

bool stream_pays(size_t bytes_touched) { return bytes_touched > last_level_cache_bytes(); }

bool use_streaming(store_mode mode, size_t bytes_touched) {
  return mode == store_mode::streaming || (mode == store_mode::automatic && stream_pays(bytes_touched));
}

void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

}  // namespace accel
