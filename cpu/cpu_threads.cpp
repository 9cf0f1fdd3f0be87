#include "cpu_threads.hpp"

#include <omp.h>

#include <Eigen/Core>
#include <string>

namespace accel {

int cpu_threads_available() { return omp_get_num_procs(); }

void set_cpu_threads(int n) {
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
}

int cpu_threads() { return Eigen::nbThreads(); }

std::string eigen_version() {
  return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION);
}

// Eigen's SimdInstructionSetsInUse() says "AVX" for an AVX2 + FMA build too;
// its configuration macros say which packet kernels it really compiled.
std::string eigen_simd() {
  std::string s;
  auto add = [&s](const char* isa) {
    if (!s.empty()) s += ' ';
    s += isa;
  };
#ifdef EIGEN_VECTORIZE_AVX512
  add("avx512f");
#endif
#ifdef EIGEN_VECTORIZE_AVX2
  add("avx2");
#endif
#ifdef EIGEN_VECTORIZE_FMA
  add("fma");
#endif
#ifdef EIGEN_VECTORIZE_AVX
  add("avx");
#endif
#ifdef EIGEN_VECTORIZE_SSE4_2
  add("sse4.2");
#elif defined(EIGEN_VECTORIZE_SSE2)
  add("sse2");
#endif
#ifdef EIGEN_VECTORIZE_NEON
  add("neon");
#endif
#ifdef EIGEN_VECTORIZE_SVE
  add("sve");
#endif
  return s.empty() ? "no SIMD" : s;
}

}  // namespace accel
