#include "nvml.hpp"

#include <dlfcn.h>

#include <type_traits>
#include <utility>

namespace accel {

// NVML's C ABI, declared here so that no NVIDIA header is needed to build.
namespace {
using nvml_return = int;  // NVML_SUCCESS == 0
using nvml_device = void*;
constexpr int kClockSm = 1, kClockMem = 2, kTemperatureGpu = 0;
}  // namespace

struct nvml::fns {
  nvml_return (*init)() = nullptr;
  nvml_return (*by_pci)(const char*, nvml_device*) = nullptr;
  nvml_return (*clock)(nvml_device, int, unsigned*) = nullptr;
  nvml_return (*temperature)(nvml_device, int, unsigned*) = nullptr;
  nvml_return (*power)(nvml_device, unsigned*) = nullptr;
  nvml_return (*reasons)(nvml_device, unsigned long long*) = nullptr;
};

std::string throttle_reason_names(uint64_t bits) {
  static const std::pair<uint64_t, const char*> names[] = {
      {0x1, "gpu_idle"},           {0x2, "applications_clocks"},      {kThrottleSwPowerCap, "sw_power_cap"},
      {kThrottleHwSlowdown, "hw_slowdown"}, {0x10, "sync_boost"},     {kThrottleSwThermal, "sw_thermal"},
      {kThrottleHwThermal, "hw_thermal"},   {kThrottleHwPowerBrake, "hw_power_brake"}, {0x100, "display_clocks"}};
  std::string s;
  for (const auto& [bit, name] : names)
    if (bits & bit) {
      if (!s.empty()) s += ',';
      s += name;
    }
  return s;
}

std::string throttled_between(const std::optional<gpu_health>& before, const std::optional<gpu_health>& after) {
  const uint64_t bits = (before ? before->throttle_reasons : 0) | (after ? after->throttle_reasons : 0);
  return throttle_reason_names(bits & kThrottlingMask);
}

nvml& nvml::instance() {
  static nvml n;
  return n;
}

nvml::nvml() {
  lib_ = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib_) {
    reason_ = "libnvidia-ml.so.1 not found (NVIDIA driver not installed)";
    return;
  }
  f_ = new fns;
  const auto sym = [&](auto& fp, const char* name) {
    fp = reinterpret_cast<std::remove_reference_t<decltype(fp)>>(::dlsym(lib_, name));
    return fp != nullptr;
  };
  // The clocks-event name is the current one; older drivers only have the throttle name.
  const bool have = sym(f_->init, "nvmlInit_v2") && sym(f_->by_pci, "nvmlDeviceGetHandleByPciBusId_v2") &&
                    sym(f_->clock, "nvmlDeviceGetClockInfo") && sym(f_->temperature, "nvmlDeviceGetTemperature") &&
                    sym(f_->power, "nvmlDeviceGetPowerUsage") &&
                    (sym(f_->reasons, "nvmlDeviceGetCurrentClocksEventReasons") ||
                     sym(f_->reasons, "nvmlDeviceGetCurrentClocksThrottleReasons"));
  if (!have) {
    reason_ = "libnvidia-ml.so.1 lacks a needed function";
    return;
  }
  const nvml_return rc = f_->init();
  if (rc != 0) {
    reason_ = "nvmlInit failed (NVML error " + std::to_string(rc) + ")";
    return;
  }
  ok_ = true;
}

std::optional<gpu_health> nvml::read(const std::string& pci_bus_id) const {
  if (!ok_ || pci_bus_id.empty()) return std::nullopt;
  nvml_device dev = nullptr;
  if (f_->by_pci(pci_bus_id.c_str(), &dev) != 0) return std::nullopt;
  gpu_health h;
  unsigned milliwatts = 0;
  unsigned long long reasons = 0;
  // A field the driver does not expose stays 0; the reasons are what matter most.
  f_->clock(dev, kClockSm, &h.sm_mhz);
  f_->clock(dev, kClockMem, &h.mem_mhz);
  f_->temperature(dev, kTemperatureGpu, &h.temperature_c);
  if (f_->power(dev, &milliwatts) == 0) h.power_w = milliwatts / 1000.0;
  if (f_->reasons(dev, &reasons) != 0) return std::nullopt;
  h.throttle_reasons = reasons;
  return h;
}

}  // namespace accel
