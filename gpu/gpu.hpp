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
// (the path a real out-of-memory takes); launch: our kernels are launched with
// an invalid configuration (a real launch error from the runtime), and variants
// with only library kernels (cuBLAS, Thrust, CUB) refuse the call; sync: the next
// synchronisation reports an execution error (simulated: a real device fault
// would poison the context for the rest of the process).
enum class fault { none, alloc, launch, sync };
void set_fault(fault f);

// Free and total device memory from the driver (cudaMemGetInfo): includes the
// context and library overheads the tracker cannot see. false when unusable.
bool memory_info(int device, uint64_t& free_bytes, uint64_t& total_bytes);

// Holds device memory (untracked: it stands for another process on the card)
// until the returned handle is destroyed, leaving less than
// `leave_free_bytes` + 64 KiB free, so that a larger allocation fails for
// real: an out-of-memory on demand, for tests. Throws gpu_error.
std::shared_ptr<void> occupy_device_memory(int device, uint64_t leave_free_bytes);

// What the first request on a GPU costs. Meaningful once per process (the
// first call creates the context), so accelbench measures it in a fresh child.
struct cold_start {
  double context_ns = 0;       // cudaSetDevice + cudaFree(0): context creation
  double cublas_load_ns = 0;   // loading the cuBLAS library (dlopen: cublas_loader.cpp)
  double cublas_handle_ns = 0; // cublasCreate
  std::vector<std::pair<std::string, double>> first_launch_ns;  // per kernel: module load + launch + run
  std::vector<std::pair<std::string, double>> second_launch_ns; // the same launch again, for contrast
};
cold_start measure_cold_start(int device);  // throws gpu_error

// Loads cuBLAS now, if not yet (it loads on first use: gpu/cublas_loader.cpp);
// returns the file it came from. Needs no GPU. Throws gpu_error.
std::string load_cublas();

// Allocates (and frees) exactly the device buffers an MLP run of this batch
// holds, through the tracker: proves a computed capacity; throws gpu_error.
void check_mlp_allocation(const std::vector<int>& widths, int batch, int device);

// Weights and the input batch are copied to `device` now; throws gpu_error.
std::unique_ptr<device_run> make_mlp_run(const std::string& variant, int device, const mlp_model& m,
                                         const float* input, int batch);

// Measured ceilings of one GPU (gpu/peaks.cu); throws gpu_error.
struct gpu_peaks {
  double d2d_gb_per_s = 0;   // device-to-device copy, bytes read + written per second
  double read_gb_per_s = 0;  // a kernel that only reads (float4 loads), bytes read per second
  double fma_gflops = 0;     // fp32 FMA chains, 2 flops each
  double h2d_gb_per_s = 0;   // pinned host -> device
  double d2h_gb_per_s = 0;   // device -> pinned host
};
gpu_peaks measure_gpu_peaks(int device);

// --- The batched workloads (bench/workloads/*.cpp). Every make_* copies the
// inputs to `device` now and throws gpu_error; see each .cu file for what its
// variants do.

// C_i = A_i * B_i, n x n column-major, `batch` matrices back to back.
const std::vector<std::string>& batched_gemm_variants();  // custom, cublas
std::unique_ptr<device_run> make_batched_gemm_run(const std::string& variant, int device, int n, int64_t batch,
                                                  const float* a, const float* b);

// Sum of x (rows == 1, output 1 float) or of each row of a rows x cols
// row-major matrix (output `rows` floats).
const std::vector<std::string>& reduce_variants();  // custom, cub
std::unique_ptr<device_run> make_reduce_run(const std::string& variant, int device, const float* x, size_t rows,
                                            size_t cols);

// Inclusive prefix sum of n int32 (fp32 == false) or fp32 values.
const std::vector<std::string>& scan_variants();  // thrust
std::unique_ptr<device_run> make_scan_run(const std::string& variant, int device, bool fp32, const void* x, size_t n);

// Sort n uint32 keys; with `pairs`, `blob` holds n keys then n values (output alike).
const std::vector<std::string>& sort_variants();  // thrust
std::unique_ptr<device_run> make_sort_run(const std::string& variant, int device, const uint32_t* blob, size_t n,
                                          bool pairs);

// saxpy: out = a * x + y;  otherwise gelu: out = gelu(x) (y unused).
const std::vector<std::string>& elementwise_variants();  // custom
std::unique_ptr<device_run> make_elementwise_run(const std::string& variant, int device, bool saxpy, float a,
                                                 const float* x, const float* y, size_t n);

}  // namespace accel::gpu
