// elementwise's CPU paths (bench/workloads/elementwise.cpp) beside a double-precision
// reference that the tests check them against. OpenMP over the threads set by set_cpu_threads().
#pragma once
#include <cstddef>
#include <cstdint>

#include "stream_store.hpp"

namespace accel {

// out = a * x + y; the output is streamed past the last-level cache
// (stream_store.hpp); `mode` forces one way.
void saxpy_cpu(float a, const float* x, const float* y, float* out, size_t n,
               store_mode mode = store_mode::automatic);
// GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
void gelu_cpu(const float* x, float* out, size_t n);
double gelu_reference(double x);

}  // namespace accel
