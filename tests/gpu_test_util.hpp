// Shared by the GPU tests: skip without a GPU, read a device run's result.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "device_run.hpp"
#include "gpu.hpp"

// A macro, not a function: GTEST_SKIP() returns from the function it is in.
#define REQUIRE_GPU()                                                      \
  do {                                                                     \
    const accel::gpu_probe p_ = accel::gpu::probe();                       \
    if (!p_.usable) GTEST_SKIP() << "no usable GPU: " << p_.reason;        \
  } while (0)

template <typename T = float>
std::vector<T> gpu_result(const accel::device_run& run) {
  std::vector<T> v(run.output_bytes() / sizeof(T));
  std::memcpy(v.data(), run.output(), v.size() * sizeof(T));
  return v;
}
inline std::vector<float> gpu_floats(const accel::device_run& run) { return gpu_result<float>(run); }
