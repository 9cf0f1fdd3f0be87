#include "cpu_threads.hpp"

#include <omp.h>

#include <Eigen/Core>

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

std::string eigen_simd() { return Eigen::SimdInstructionSetsInUse(); }

}  // namespace accel
