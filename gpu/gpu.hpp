// The GPU side as the host harness sees it: plain C++17, no CUDA types. With
// nvcc it is implemented by the .cu files here; without, by no_cuda.cpp.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>
#include <string>
#include <vector>

#include "device_run.hpp"
#include "gpu_info.hpp"
#include "mlp_model.hpp"

namespace accel::gpu {

// Whether this binary has the CUDA paths (asks nothing of the driver).
bool built_with_cuda();

// Asks the CUDA runtime for devices. Never throws: no driver or no device is
// an ordinary answer (usable = false with the runtime's reason).
gpu_probe probe();

// The MLP GPU variants:
//   custom: own tiled SGEMM with bias + activation fused into its epilogue, own softmax
//   cublas: cublasSgemm, then own bias/activation and softmax kernels
const std::vector<std::string>& mlp_variants();

// Faults made on purpose (--inject-fault), to exercise the CPU fallback on a
// machine whose GPU works. alloc: every tracked device allocation is refused
// (the path a real out-of-memory takes); launch: kernels are launched with an
// invalid configuration (a real launch error from the runtime); sync: the next
// synchronisation reports an execution error (simulated: a real device fault
// would poison the context for the rest of the process).
enum class fault { none, alloc, launch, sync };
void set_fault(fault f);
fault current_fault();

// Free and total device memory from the driver (cudaMemGetInfo): includes the
// context and library overheads the tracker cannot see. false when unusable.
bool memory_info(int device, uint64_t& free_bytes, uint64_t& total_bytes);

// What the first request on a GPU costs. Meaningful once per process (the
// first call creates the context), so accelbench measures it in a fresh child.
struct cold_start {
  double context_ns = 0;       // cudaSetDevice + cudaFree(0): context creation
  double cublas_handle_ns = 0; // cublasCreate
  std::vector<std::pair<std::string, double>> first_launch_ns;  // per kernel: module load + launch + run
  std::vector<std::pair<std::string, double>> second_launch_ns; // the same launch again, for contrast
};
cold_start measure_cold_start(int device);  // throws gpu_error

// Allocates (and frees) exactly the device buffers an MLP run of this batch
// holds, through the tracker: proves a computed capacity; throws gpu_error.
void check_mlp_allocation(const std::vector<int>& widths, int batch, int device);

// Weights and the input batch are copied to `device` now; throws gpu_error.
std::unique_ptr<device_run> make_mlp_run(const std::string& variant, int device, const mlp_model& m,
                                         const float* input, int batch);

}  // namespace accel::gpu
