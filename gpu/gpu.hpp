// The GPU side as the host harness sees it: plain C++17, no CUDA types. With
// nvcc it is implemented by the .cu files here; without, by no_cuda.cpp.
#pragma once
#include <memory>
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

// Weights and the input batch are copied to `device` now; throws gpu_error.
std::unique_ptr<device_run> make_mlp_run(const std::string& variant, int device, const mlp_model& m,
                                         const float* input, int batch);

}  // namespace accel::gpu
