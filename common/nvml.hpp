// GPU clocks and health through NVML, loaded at run time (dlopen), so a
// machine without the NVIDIA driver's libnvidia-ml still runs everything else.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accel {

struct gpu_health {
  unsigned sm_mhz = 0, mem_mhz = 0, temperature_c = 0;
  double power_w = 0;
  uint64_t throttle_reasons = 0;  // NVML's clocks-event reason bits
};

// Bits of NVML's throttle (clocks event) reasons that slow the GPU down
// against the user's will: power cap, thermal limits, hardware slowdown.
inline constexpr uint64_t kThrottleSwPowerCap = 0x4, kThrottleHwSlowdown = 0x8, kThrottleSwThermal = 0x20,
                          kThrottleHwThermal = 0x40, kThrottleHwPowerBrake = 0x80;
inline constexpr uint64_t kThrottlingMask =
    kThrottleSwPowerCap | kThrottleHwSlowdown | kThrottleSwThermal | kThrottleHwThermal | kThrottleHwPowerBrake;

// "sw_power_cap,hw_thermal"; every named bit, throttling or not (idle, app clocks, ...).
std::string throttle_reason_names(uint64_t bits);

// The throttling reasons (kThrottlingMask) seen at either read around a
// case, "" when none: what marks the case `throttled`.
std::string throttled_between(const std::optional<gpu_health>& before, const std::optional<gpu_health>& after);

class nvml {
 public:
  static nvml& instance();  // loads and initialises NVML once
  nvml(const nvml&) = delete;
  nvml& operator=(const nvml&) = delete;
  bool available() const { return ok_; }
  const std::string& reason() const { return reason_; }  // why not available
  // By PCI bus id ("0000:3B:00.0", as CUDA reports it); null when not readable.
  std::optional<gpu_health> read(const std::string& pci_bus_id) const;

 private:
  nvml();
  bool ok_ = false;
  std::string reason_;
  void* lib_ = nullptr;
  struct fns;
  fns* f_ = nullptr;  // the one instance's, kept (like the library) for the life of the process
};

}  // namespace accel
