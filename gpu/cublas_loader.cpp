// cuBLAS loaded on first use (dlopen) instead of linked. Linking it costs
// every process 70-110 ms and about 218 MB of page faults at start-up
// (libcublasLt's static initialisers; measured on the 2-vCPU VM with an empty
// program linked against it), whether it uses cuBLAS or not: each CPU round's
// child process, every run on a machine without a GPU.
#include <dlfcn.h>

#include <string>

#include "cublas_util.cuh"

namespace accel::gpu {

namespace {

template <typename F>
void resolve(void* lib, const char* name, F& fn, const std::string& from) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (!fn) throw gpu_error("cuBLAS: " + from + " has no " + name);
}

cublas_api load() {
  // The toolkit's copy the build found first, then the loader's search path.
  const std::string soname = "libcublas.so." ACCEL_CUBLAS_MAJOR;
  std::string from = ACCEL_CUBLAS_DIR "/" + soname;
  void* lib = ::dlopen(from.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const std::string first = ::dlerror();
    from = soname;
    lib = ::dlopen(from.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw gpu_error("cannot load cuBLAS: " + first + "; " + ::dlerror());
  }
  cublas_api a;  // the library stays loaded for the life of the process
  resolve(lib, "cublasCreate_v2", a.create, from);
  resolve(lib, "cublasDestroy_v2", a.destroy, from);
  resolve(lib, "cublasSetMathMode", a.set_math_mode, from);
  resolve(lib, "cublasSetStream_v2", a.set_stream, from);
  resolve(lib, "cublasSetWorkspace_v2", a.set_workspace, from);
  resolve(lib, "cublasGetStatusString", a.status_string, from);
  resolve(lib, "cublasSgemm_v2", a.sgemm, from);
  resolve(lib, "cublasSgemmStridedBatched", a.sgemm_strided_batched, from);
  a.path = from;
  return a;
}

}  // namespace

const cublas_api& cublas() {
  static const cublas_api api = load();  // a failed load throws, and the next call tries again
  return api;
}

std::string load_cublas() { return cublas().path; }

}  // namespace accel::gpu
