// The report's canonical JSON form: writing, and reading back with validation
// that names the offending field.
#include <cmath>
#include <map>

#include "atomic_file.hpp"
#include "input_file.hpp"
#include "report.hpp"

namespace accel {

namespace {

json interval_json(interval i) { return json::array({i.lo, i.hi}); }

json summary_json(const summary& s) {
  return {{"n", s.n},           {"median_ns", s.median}, {"mean_ns", s.mean},
          {"stdev_ns", s.stdev}, {"min_ns", s.min},       {"max_ns", s.max},
          {"p90_ns", s.p90},     {"p95_ns", s.p95},       {"p99_ns", s.p99},
          {"median_ci95_ns", interval_json(s.median_ci95)},
          {"outliers", {{"mild", s.outliers_mild}, {"severe", s.outliers_severe}}},
          {"rounds", s.rounds},
          {"round_spread", s.round_spread}};
}

json verification_json(const std::optional<verification>& v) {
  if (!v) return nullptr;
  json j = {{"passed", v->passed},
            {"max_abs_err", std::isfinite(v->max_abs_err) ? json(v->max_abs_err) : json("inf")},
            {"max_rel_err", std::isfinite(v->max_rel_err) ? json(v->max_rel_err) : json("inf")},
            {"mismatches", v->mismatches}};
  if (!v->first_mismatch.empty()) j["first_mismatch"] = v->first_mismatch;
  return j;
}

json system_json(const system_info& s) {
  json gpus = json::array();
  for (const auto& g : s.gpus)
    gpus.push_back({{"name", g.name},
                    {"compute_capability", g.compute_capability},
                    {"sm_count", g.sm_count},
                    {"memory_bytes", g.memory_bytes},
                    {"clock_mhz", g.clock_mhz},
                    {"memory_bandwidth_gbs", g.memory_bandwidth_gbs},
                    {"pci_bus_id", g.pci_bus_id}});
  json cpu = {{"model", s.cpu_model}, {"cores", s.cpu_cores}};
  cpu["allowed"] = s.cpu_allowed > 0 ? json(s.cpu_allowed) : json(nullptr);
  cpu["threads_used"] = s.cpu_threads_used;
  json j = {{"cpu", cpu},
            {"memory_bytes", s.memory_bytes},
            {"memory_limit_bytes", s.memory_limit_bytes ? json(s.memory_limit_bytes) : json(nullptr)},
            {"os", s.os},
            {"compiler", s.compiler},
            {"flags", s.flags},
            {"eigen_version", s.eigen_version},
            {"cuda_built", s.cuda_built},
            {"cuda", s.cuda ? json{{"runtime_version", s.cuda->runtime_version},
                                   {"driver_version", s.cuda->driver_version}}
                            : json(nullptr)},
            {"gpus", gpus}};
  j["gpu_unavailable_reason"] = s.gpu_unavailable_reason.empty() ? json(nullptr) : json(s.gpu_unavailable_reason);
  j["peaks"] = s.peaks;
  j["cpu_governor"] = s.cpu_governor.empty() ? json(nullptr) : json(s.cpu_governor);
  j["cpu_quota_cpus"] = s.cpu_quota > 0 ? json(s.cpu_quota) : json(nullptr);
  j["env"] = s.env;
  j["load_average_at_start"] = s.load_average_at_start >= 0 ? json(s.load_average_at_start) : json(nullptr);
  j["other_load_at_start"] = s.other_load_at_start >= 0 ? json(s.other_load_at_start) : json(nullptr);
  j["nvml"] = s.nvml;
  return j;
}

json health_json(const std::optional<gpu_health>& h) {
  if (!h) return nullptr;
  return {{"sm_mhz", h->sm_mhz},
          {"mem_mhz", h->mem_mhz},
          {"temperature_c", h->temperature_c},
          {"power_w", h->power_w},
          {"throttle_reasons", throttle_reason_names(h->throttle_reasons)},
          {"throttle_bits", h->throttle_reasons}};
}

// --- reading: every access names its field path on failure -------------------

std::string join(const std::string& path, const char* name) {
  return path.empty() ? std::string(name) : path + "." + name;
}

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw input_error("report field '" + path + "': " + what);
}

const json& field(const json& j, const std::string& path, const char* name) {
  if (!j.is_object()) bad(path, "expected an object");
  auto it = j.find(name);
  if (it == j.end()) bad(join(path, name), "missing");
  return *it;
}

std::string str(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (!v.is_string()) bad(join(path, name), "expected a string");
  return v.get<std::string>();
}

double num(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (v.is_string() && v.get<std::string>() == "inf") return INFINITY;
  if (!v.is_number()) bad(join(path, name), "expected a number");
  const double d = v.get<double>();
  if (!std::isfinite(d)) bad(join(path, name), "not a finite number");
  return d;
}

int64_t integer(const json& j, const std::string& path, const char* name, int64_t lo, int64_t hi) {
  const json& v = field(j, path, name);
  if (!v.is_number_integer()) bad(join(path, name), "expected an integer");
  const auto i = v.get<int64_t>();
  if (i < lo || i > hi) bad(join(path, name), "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return i;
}

bool boolean(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  if (!v.is_boolean()) bad(join(path, name), "expected true or false");
  return v.get<bool>();
}

interval interval_from(const json& j, const std::string& path, const char* name) {
  const json& v = field(j, path, name);
  const std::string p = join(path, name);
  if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
    bad(p, "expected [lo, hi]");
  interval i{v[0].get<double>(), v[1].get<double>()};
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi) || i.lo > i.hi) bad(p, "not an interval");
  return i;
}

summary summary_from(const json& j, const std::string& p) {
  summary s;
  s.n = static_cast<size_t>(integer(j, p, "n", 0, int64_t(1) << 40));
  s.median = num(j, p, "median_ns");
  s.mean = num(j, p, "mean_ns");
  s.stdev = num(j, p, "stdev_ns");
  s.min = num(j, p, "min_ns");
  s.max = num(j, p, "max_ns");
  s.p90 = num(j, p, "p90_ns");
  s.p95 = num(j, p, "p95_ns");
  s.p99 = num(j, p, "p99_ns");
  s.median_ci95 = interval_from(j, p, "median_ci95_ns");
  if (j.contains("outliers")) {  // added after the first reports
    const std::string op = p + ".outliers";
    s.outliers_mild = static_cast<size_t>(integer(field(j, p, "outliers"), op, "mild", 0, int64_t(s.n)));
    s.outliers_severe = static_cast<size_t>(integer(j["outliers"], op, "severe", 0, int64_t(s.n)));
  }
  if (j.contains("rounds")) {  // added with rounds; older reports took one
    s.rounds = static_cast<size_t>(integer(j, p, "rounds", 1, std::max<int64_t>(int64_t(s.n), 1)));
    s.round_spread = num(j, p, "round_spread");
    if (s.round_spread < 0) bad(p + ".round_spread", "negative");
  }
  return s;
}

system_info system_from(const json& j, const std::string& p) {
  system_info s;
  const json& cpu = field(j, p, "cpu");
  s.cpu_model = str(cpu, p + ".cpu", "model");
  s.cpu_cores = static_cast<int>(integer(cpu, p + ".cpu", "cores", 0, 1 << 20));
  s.cpu_threads_used = static_cast<int>(integer(cpu, p + ".cpu", "threads_used", 0, 1 << 20));
  // Added after the first reports: optional on reading.
  if (cpu.contains("allowed") && !cpu["allowed"].is_null())
    s.cpu_allowed = static_cast<int>(integer(cpu, p + ".cpu", "allowed", 1, 1 << 20));
  s.memory_bytes = static_cast<uint64_t>(integer(j, p, "memory_bytes", 0, INT64_MAX));
  if (j.contains("memory_limit_bytes") && !j["memory_limit_bytes"].is_null())  // added later: optional
    s.memory_limit_bytes = static_cast<uint64_t>(integer(j, p, "memory_limit_bytes", 1, INT64_MAX));
  s.os = str(j, p, "os");
  s.compiler = str(j, p, "compiler");
  s.flags = str(j, p, "flags");
  s.eigen_version = str(j, p, "eigen_version");
  s.cuda_built = boolean(j, p, "cuda_built");
  const json& cuda = field(j, p, "cuda");
  if (!cuda.is_null())
    s.cuda = cuda_info{static_cast<int>(integer(cuda, p + ".cuda", "runtime_version", 0, INT32_MAX)),
                       static_cast<int>(integer(cuda, p + ".cuda", "driver_version", 0, INT32_MAX))};
  const json& gpus = field(j, p, "gpus");
  if (!gpus.is_array()) bad(p + ".gpus", "expected an array");
  for (size_t i = 0; i < gpus.size(); ++i) {
    const std::string gp = p + ".gpus[" + std::to_string(i) + "]";
    gpu_info g;
    g.name = str(gpus[i], gp, "name");
    g.compute_capability = str(gpus[i], gp, "compute_capability");
    g.sm_count = static_cast<int>(integer(gpus[i], gp, "sm_count", 0, 1 << 20));
    g.memory_bytes = static_cast<uint64_t>(integer(gpus[i], gp, "memory_bytes", 0, INT64_MAX));
    g.clock_mhz = static_cast<int>(integer(gpus[i], gp, "clock_mhz", 0, 1 << 20));
    g.memory_bandwidth_gbs = num(gpus[i], gp, "memory_bandwidth_gbs");
    if (gpus[i].contains("pci_bus_id")) g.pci_bus_id = str(gpus[i], gp, "pci_bus_id");
    s.gpus.push_back(g);
  }
  const json& reason = field(j, p, "gpu_unavailable_reason");
  if (!reason.is_null() && !reason.is_string()) bad(p + ".gpu_unavailable_reason", "expected a string or null");
  if (reason.is_string()) s.gpu_unavailable_reason = reason.get<std::string>();
  if (j.contains("peaks")) {
    if (!j["peaks"].is_null() && !j["peaks"].is_object()) bad(p + ".peaks", "expected an object or null");
    s.peaks = j["peaks"];
  }
  // Added after the first reports: optional on reading.
  if (j.contains("cpu_governor") && !j["cpu_governor"].is_null()) s.cpu_governor = str(j, p, "cpu_governor");
  if (j.contains("cpu_quota_cpus") && !j["cpu_quota_cpus"].is_null()) {
    s.cpu_quota = num(j, p, "cpu_quota_cpus");
    if (!(s.cpu_quota > 0) || !std::isfinite(s.cpu_quota))
      bad(join(p, "cpu_quota_cpus"), "expected a positive number of CPUs or null");
  }
  if (j.contains("env")) {
    const json& env = j["env"];
    if (!env.is_object()) bad(join(p, "env"), "expected an object of strings");
    for (const auto& item : env.items())
      s.env[item.key()] = str(env, join(p, "env"), item.key().c_str());
  }
  if (j.contains("load_average_at_start") && !j["load_average_at_start"].is_null())
    s.load_average_at_start = num(j, p, "load_average_at_start");
  if (j.contains("other_load_at_start") && !j["other_load_at_start"].is_null())
    s.other_load_at_start = num(j, p, "other_load_at_start");
  if (j.contains("nvml")) s.nvml = str(j, p, "nvml");
  return s;
}

// Caps what a report file may claim, so a corrupt number cannot make the
// reader allocate without bound.
constexpr size_t kMaxSamplesPerCase = 10'000'000;

case_result case_from(const json& j, const std::string& p) {
  case_result c;
  c.workload = str(j, p, "workload");
  c.params = field(j, p, "params");
  if (!c.params.is_object()) bad(p + ".params", "expected an object");
  c.backend = str(j, p, "backend");
  if (c.backend != "cpu" && c.backend != "gpu") bad(p + ".backend", "expected \"cpu\" or \"gpu\"");
  c.variant = str(j, p, "variant");
  c.timing = str(j, p, "timing");
  if (c.timing != "cpu" && c.timing != "kernel" && c.timing != "end_to_end")
    bad(p + ".timing", "expected \"cpu\", \"kernel\" or \"end_to_end\"");
  c.status = str(j, p, "status");
  if (c.status != "ok" && c.status != "verify_failed" && c.status != "error")
    bad(p + ".status", "expected \"ok\", \"verify_failed\" or \"error\"");
  if (j.contains("error")) c.error = str(j, p, "error");
  c.iterations_per_sample = static_cast<int>(integer(j, p, "iterations_per_sample", 1, INT32_MAX));
  const json& samples = field(j, p, "samples_ns");
  if (!samples.is_array()) bad(p + ".samples_ns", "expected an array");
  if (samples.size() > kMaxSamplesPerCase) bad(p + ".samples_ns", "more than 10^7 samples");
  c.samples_ns.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!samples[i].is_number()) bad(p + ".samples_ns[" + std::to_string(i) + "]", "expected a number");
    const double v = samples[i].get<double>();
    if (!std::isfinite(v) || v < 0) bad(p + ".samples_ns[" + std::to_string(i) + "]", "not a finite time >= 0");
    c.samples_ns.push_back(v);
  }
  if (c.status != "error" && c.samples_ns.empty()) bad(p + ".samples_ns", "empty for a measured case");
  if (j.contains("round_sizes") && !j["round_sizes"].empty()) {  // added with rounds; absent or []: one round
    const json& rounds = j["round_sizes"];
    if (!rounds.is_array()) bad(p + ".round_sizes", "expected an array");
    size_t total = 0;
    for (size_t i = 0; i < rounds.size(); ++i) {
      const std::string rp = p + ".round_sizes[" + std::to_string(i) + "]";
      if (!rounds[i].is_number_integer() || rounds[i].get<int64_t>() < 1 ||
          rounds[i].get<int64_t>() > int64_t(samples.size()))
        bad(rp, "expected a sample count >= 1");
      c.round_sizes.push_back(rounds[i].get<size_t>());
      total += c.round_sizes.back();
    }
    if (total != c.samples_ns.size())
      bad(p + ".round_sizes", "adds up to " + std::to_string(total) + ", not the " +
                                  std::to_string(c.samples_ns.size()) + " samples");
  }
  if (j.contains("rounds_in") && !j["rounds_in"].is_null()) {  // added with child-process rounds
    c.rounds_in = str(j, p, "rounds_in");
    if (c.rounds_in != "child_processes" && c.rounds_in != "this_process")
      bad(p + ".rounds_in", "expected \"child_processes\", \"this_process\" or null");
  }
  const json& stats = field(j, p, "stats");
  if (!stats.is_null()) c.stats = summary_from(stats, p + ".stats");
  c.converged = boolean(j, p, "converged");
  const json& v = field(j, p, "verification");
  if (!v.is_null()) {
    verification ver;
    ver.passed = boolean(v, p + ".verification", "passed");
    ver.max_abs_err = num(v, p + ".verification", "max_abs_err");
    ver.max_rel_err = num(v, p + ".verification", "max_rel_err");
    if (v.contains("mismatches"))
      ver.mismatches = static_cast<size_t>(integer(v, p + ".verification", "mismatches", 0, INT64_MAX));
    if (v.contains("first_mismatch")) ver.first_mismatch = str(v, p + ".verification", "first_mismatch");
    c.verification = ver;
  }
  c.flops_per_call = num(j, p, "flops_per_call");
  c.bytes_per_call = num(j, p, "bytes_per_call");
  c.items_per_call = num(j, p, "items_per_call");
  c.gflops = num(j, p, "gflops");
  c.items_per_s = num(j, p, "items_per_s");
  if (j.contains("memory") && !j["memory"].is_null()) {
    const json& mem = j["memory"];
    const std::string mp = p + ".memory";
    case_memory m;
    m.device_peak_bytes = static_cast<uint64_t>(integer(mem, mp, "device_peak_bytes", 0, INT64_MAX));
    m.host_peak_rss_bytes = static_cast<uint64_t>(integer(mem, mp, "host_peak_rss_bytes", 0, INT64_MAX));
    const json& used = field(mem, mp, "device_used_bytes");
    for (const char* k : {"before_setup", "after_setup"}) {
      if (field(used, mp + ".device_used_bytes", k).is_null()) continue;
      const auto b = static_cast<uint64_t>(integer(used, mp + ".device_used_bytes", k, 0, INT64_MAX));
      (std::string(k) == "before_setup" ? m.device_used_before : m.device_used_after) = b;
    }
    c.memory = m;
  }
  // Fields added after the first reports: optional on reading.
  if (j.contains("threads")) c.threads = static_cast<int>(integer(j, p, "threads", 0, 1 << 20));
  const auto opt_num = [&](const char* k) -> std::optional<double> {
    if (!j.contains(k) || j[k].is_null()) return std::nullopt;
    return num(j, p, k);
  };
  c.scaling_efficiency = opt_num("scaling_efficiency");
  c.pct_of_peak = opt_num("pct_of_peak");
  c.transfer_share = opt_num("transfer_share");
  if (j.contains("gb_per_s")) c.gb_per_s = num(j, p, "gb_per_s");
  if (j.contains("bound") && !j["bound"].is_null()) {
    c.bound = str(j, p, "bound");
    if (c.bound != "memory" && c.bound != "compute") bad(p + ".bound", "expected \"memory\", \"compute\" or null");
  }
  if (j.contains("host") && !j["host"].is_null()) c.host = host_activity_from_json(j["host"], p + ".host");
  if (j.contains("gpu_health") && !j["gpu_health"].is_null()) {
    const std::string gp = p + ".gpu_health";
    const auto health = [&](const char* k) -> std::optional<gpu_health> {
      const json& h = field(j["gpu_health"], gp, k);
      if (h.is_null()) return std::nullopt;
      const std::string hp = gp + "." + k;
      gpu_health g;
      g.sm_mhz = unsigned(integer(h, hp, "sm_mhz", 0, 1 << 20));
      g.mem_mhz = unsigned(integer(h, hp, "mem_mhz", 0, 1 << 20));
      g.temperature_c = unsigned(integer(h, hp, "temperature_c", 0, 1000));
      g.power_w = num(h, hp, "power_w");
      g.throttle_reasons = uint64_t(integer(h, hp, "throttle_bits", 0, INT64_MAX));
      return g;
    };
    c.gpu_before = health("before");
    c.gpu_after = health("after");
  }
  if (j.contains("throttle_reasons") && !j["throttle_reasons"].is_null()) c.throttled = str(j, p, "throttle_reasons");
  return c;
}

// The free-form sections (peaks, fallback, cold start, capacity, crossovers)
// are checked for the fields the reporters read, so a report that reads back
// always renders. Each check names the field.
enum class kind { number, integer, string, boolean, object, array };

bool is(const json& v, kind k) {
  switch (k) {
    case kind::number: return v.is_number() && std::isfinite(v.get<double>());
    case kind::integer: return v.is_number_integer();
    case kind::string: return v.is_string();
    case kind::boolean: return v.is_boolean();
    case kind::object: return v.is_object();
    case kind::array: return v.is_array();
  }
  return false;
}

const char* name_of(kind k) {
  static const char* names[] = {"a finite number", "an integer", "a string", "true or false", "an object", "an array"};
  return names[int(k)];
}

// Field `key` of `j` must be of kind `k` (or null when `nullable`).
void need(const json& j, const std::string& path, const char* key, kind k, bool nullable = false) {
  const json& v = field(j, path, key);
  if (nullable && v.is_null()) return;
  if (!is(v, k)) bad(join(path, key), std::string("expected ") + name_of(k) + (nullable ? " or null" : ""));
}

void check_peaks(const json& p) {
  if (p.is_null()) return;
  need(p, "system.peaks", "cpu", kind::object);
  for (const char* k : {"triad_gb_per_s", "fma_gflops"}) need(p["cpu"], "system.peaks.cpu", k, kind::number);
  // Added after schema 1's first reports: checked where present.
  for (const char* k : {"read_gb_per_s", "update_gb_per_s"})
    if (p["cpu"].contains(k)) need(p["cpu"], "system.peaks.cpu", k, kind::number);
  need(p, "system.peaks", "gpu", kind::object, true);
  if (p["gpu"].is_object()) {
    for (const char* k : {"d2d_gb_per_s", "fma_gflops", "h2d_gb_per_s", "d2h_gb_per_s"})
      need(p["gpu"], "system.peaks.gpu", k, kind::number);
    if (p["gpu"].contains("read_gb_per_s")) need(p["gpu"], "system.peaks.gpu", "read_gb_per_s", kind::number);
  }
  need(p, "system.peaks", "gpu_datasheet", kind::object, true);
  if (p["gpu_datasheet"].is_object())
    for (const char* k : {"memory_gb_per_s", "fp32_gflops"}) need(p["gpu_datasheet"], "system.peaks.gpu_datasheet", k, kind::number);
  if (p.contains("gpu_reason")) need(p, "system.peaks", "gpu_reason", kind::string, true);
}

void check_fallback(const json& f) {
  if (f.is_null()) return;
  need(f, "fallback", "entries", kind::array);
  for (size_t i = 0; i < f["entries"].size(); ++i) {
    const json& e = f["entries"][i];
    const std::string p = "fallback.entries[" + std::to_string(i) + "]";
    need(e, p, "trigger", kind::string);
    need(e, p, "batch", kind::integer);
    need(e, p, "answered_by", kind::string);
    need(e, p, "answer_matches_direct_cpu", kind::boolean);
    need(e, p, "overhead_ns", kind::number);
    need(e, p, "overhead_pct", kind::number);
    if (e.contains("overhead_paired_ns")) {  // newer reports
      const std::string q = p + ".overhead_paired_ns";
      need(e, p, "overhead_paired_ns", kind::object);
      need(e["overhead_paired_ns"], q, "median", kind::number);
      const json& ci = field(e["overhead_paired_ns"], q, "ci95");
      if (!(ci.is_array() && ci.size() == 2 && is(ci[0], kind::number) && is(ci[1], kind::number)))
        bad(q + ".ci95", "expected [low, high]");
      need(e, p, "overhead_paired_pct", kind::number);
    }
    if (e.contains("recovered_after_fault")) need(e, p, "recovered_after_fault", kind::boolean);
    if (e.contains("leaked_device_bytes") &&
        !(e["leaked_device_bytes"].is_number_integer() && e["leaked_device_bytes"].get<int64_t>() >= 0))
      bad(p + ".leaked_device_bytes", "expected a byte count >= 0");
    for (const char* k : {"steady_ns", "direct_cpu_ns", "first_request_ns"}) {
      need(e, p, k, kind::object);
      for (const char* q : {"p50", "p99"})
        if (e[k].contains(q)) need(e[k], p + "." + k, q, kind::number);
    }
  }
}

void check_cold_start(const json& c) {
  if (c.is_null()) return;
  need(c, "cold_start", "measured", kind::boolean);
  if (!c["measured"].get<bool>()) {
    need(c, "cold_start", "reason", kind::string);
    return;
  }
  for (const char* k : {"context_ns", "cublas_handle_ns"}) need(c, "cold_start", k, kind::number);
  if (c.contains("cublas_load_ns")) need(c, "cold_start", "cublas_load_ns", kind::number);  // newer reports
  need(c, "cold_start", "first_launch_ns", kind::object);
  for (const auto& [k, v] : c["first_launch_ns"].items())
    if (!is(v, kind::number)) bad("cold_start.first_launch_ns." + k, "expected a finite number");
}

void check_capacity(const json& c) {
  if (c.is_null()) return;
  need(c, "capacity", "measured", kind::boolean);
  if (!c["measured"].get<bool>()) {
    need(c, "capacity", "reason", kind::string);
    return;
  }
  need(c, "capacity", "largest_batch", kind::integer);
  need(c, "capacity", "basis_bytes", kind::number);
  need(c, "capacity", "basis", kind::string);
  need(c, "capacity", "checked_by_allocation", kind::boolean, true);
  if (c.contains("largest_allocated_batch")) need(c, "capacity", "largest_allocated_batch", kind::integer);
}

// Seconds: each field a number >= 0, or an object of them (one level down).
void check_run_time(const json& t) {
  if (t.is_null()) return;
  if (!t.is_object()) bad("run_time_s", "expected an object or null");
  const auto seconds = [](const json& v, const std::string& path) {
    if (!is(v, kind::number) || v.get<double>() < 0) bad(path, "expected seconds >= 0");
  };
  for (const auto& [k, v] : t.items()) {
    if (!v.is_object()) {
      seconds(v, "run_time_s." + k);
      continue;
    }
    for (const auto& [k2, v2] : v.items()) seconds(v2, "run_time_s." + k + "." + k2);
  }
}

void check_crossovers(const json& xs) {
  if (xs.is_null()) return;
  for (size_t i = 0; i < xs.size(); ++i) {
    const json& x = xs[i];
    const std::string p = "crossovers[" + std::to_string(i) + "]";
    for (const char* k : {"workload", "variant", "timing", "size_param"}) need(x, p, k, kind::string);
    need(x, p, "series", kind::object);
    need(x, p, "measured", kind::boolean);
    need(x, p, "target", kind::number);
    need(x, p, "break_even_size", kind::integer, true);
    need(x, p, "target_size", kind::integer, true);
    need(x, p, "sizes", kind::array);
    need(x, p, "speedups", kind::array);
    const json &sizes = x["sizes"], &speedups = x["speedups"];
    if (sizes.empty() || speedups.size() != sizes.size()) bad(p + ".speedups", "expected one entry per size");
    for (size_t k = 0; k < sizes.size(); ++k) {
      if (!is(sizes[k], kind::number) || sizes[k].get<double>() < 1)
        bad(p + ".sizes[" + std::to_string(k) + "]", "expected a size >= 1");
      if (!speedups[k].is_null() && !is(speedups[k], kind::number))
        bad(p + ".speedups[" + std::to_string(k) + "]", "expected a finite number or null");
    }
  }
}

speedup_result speedup_from(const json& j, const std::string& p) {
  speedup_result s;
  s.workload = str(j, p, "workload");
  s.params = field(j, p, "params");
  if (!s.params.is_object()) bad(p + ".params", "expected an object");
  s.variant = str(j, p, "variant");
  s.timing = str(j, p, "timing");
  s.verdict = str(j, p, "verdict");
  if (s.verdict != "pass" && s.verdict != "fail" && s.verdict != "inconclusive" && s.verdict != "not_measured")
    bad(p + ".verdict", "expected pass, fail, inconclusive or not_measured");
  s.target = num(j, p, "target");
  if (s.verdict != "not_measured") {
    s.value = num(j, p, "value");
    s.ci95 = interval_from(j, p, "ci95");
  }
  const json& reason = field(j, p, "reason");
  if (reason.is_string()) s.reason = reason.get<std::string>();
  return s;
}

}  // namespace

json host_activity_json(const host_activity& h) {
  return {{"cpu_mhz_before", h.cpu_mhz_before},
          {"cpu_mhz_after", h.cpu_mhz_after},
          {"wall_s", h.wall_s},
          {"process_cpu_s", h.process_cpu_s},
          {"other_busy_share", h.other_busy_share}};
}

host_activity host_activity_from_json(const json& h, const std::string& path) {
  host_activity a;
  a.cpu_mhz_before = num(h, path, "cpu_mhz_before");
  a.cpu_mhz_after = num(h, path, "cpu_mhz_after");
  a.wall_s = num(h, path, "wall_s");
  a.process_cpu_s = num(h, path, "process_cpu_s");
  a.other_busy_share = num(h, path, "other_busy_share");
  return a;
}

json to_json(const report& r) {
  json cases = json::array();
  for (const auto& c : r.cases) {
    json j = {{"workload", c.workload},
              {"params", c.params},
              {"backend", c.backend},
              {"variant", c.variant},
              {"timing", c.timing},
              {"status", c.status}};
    if (!c.error.empty()) j["error"] = c.error;
    j["iterations_per_sample"] = c.iterations_per_sample;
    j["samples_ns"] = c.samples_ns;
    j["round_sizes"] = c.round_sizes;
    j["rounds_in"] = c.rounds_in.empty() ? json(nullptr) : json(c.rounds_in);
    j["stats"] = c.samples_ns.empty() ? json(nullptr) : summary_json(c.stats);
    j["converged"] = c.converged;
    j["noisy"] = !c.converged && !c.samples_ns.empty();
    j["verification"] = verification_json(c.verification);
    j["flops_per_call"] = c.flops_per_call;
    j["bytes_per_call"] = c.bytes_per_call;
    j["items_per_call"] = c.items_per_call;
    j["threads"] = c.threads;
    j["gflops"] = c.gflops;
    j["gb_per_s"] = c.gb_per_s;
    j["flop_per_byte"] = c.bytes_per_call > 0 ? json(c.flops_per_call / c.bytes_per_call) : json(nullptr);
    j["bound"] = c.bound.empty() ? json(nullptr) : json(c.bound);
    j["pct_of_peak"] = c.pct_of_peak ? json(*c.pct_of_peak) : json(nullptr);
    j["items_per_s"] = c.items_per_s;
    j["scaling_efficiency"] = c.scaling_efficiency ? json(*c.scaling_efficiency) : json(nullptr);
    j["transfer_share"] = c.transfer_share ? json(*c.transfer_share) : json(nullptr);
    if (c.memory) {
      const auto opt = [](const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); };
      j["memory"] = {{"device_peak_bytes", c.memory->device_peak_bytes},
                     {"device_used_bytes", {{"before_setup", opt(c.memory->device_used_before)},
                                            {"after_setup", opt(c.memory->device_used_after)}}},
                     {"host_peak_rss_bytes", c.memory->host_peak_rss_bytes}};
    } else {
      j["memory"] = nullptr;
    }
    j["host"] = c.host ? host_activity_json(*c.host) : json(nullptr);
    j["gpu_health"] = c.gpu_before || c.gpu_after
                          ? json{{"before", health_json(c.gpu_before)}, {"after", health_json(c.gpu_after)}}
                          : json(nullptr);
    j["throttled"] = !c.throttled.empty();
    j["throttle_reasons"] = c.throttled.empty() ? json(nullptr) : json(c.throttled);
    cases.push_back(std::move(j));
  }
  json speedups = json::array();
  for (const auto& s : r.speedups) {
    const bool measured = s.verdict != "not_measured";
    speedups.push_back({{"workload", s.workload},
                        {"params", s.params},
                        {"variant", s.variant},
                        {"timing", s.timing},
                        {"value", measured ? json(s.value) : json(nullptr)},
                        {"ci95", measured ? interval_json(s.ci95) : json(nullptr)},
                        {"target", s.target},
                        {"verdict", s.verdict},
                        {"reason", s.reason.empty() ? json(nullptr) : json(s.reason)}});
  }
  return {{"schema_version", r.schema_version},
          {"tool", {{"name", r.tool_name}, {"version", r.tool_version}, {"git_sha", r.git_sha}, {"sources", r.sources}}},
          {"created_utc", r.created_utc},
          {"command_line", r.command_line},
          {"interrupted", r.interrupted},
          {"warnings", r.warnings},
          {"resumed_from", r.resumed_from.empty() ? json(nullptr) : json(r.resumed_from)},
          {"completed_points", r.completed_points},
          {"config", r.config},
          {"system", system_json(r.system)},
          {"cases", cases},
          {"speedups", speedups},
          {"fallback", r.fallback},
          {"cold_start", r.cold_start},
          {"capacity", r.capacity},
          {"crossovers", r.crossovers},
          {"run_time_s", r.run_time_s}};
}

report report_from_json(const json& j) {
  if (!j.is_object()) throw input_error("report: expected a JSON object at the top level");
  const json& sv = field(j, "", "schema_version");
  if (!sv.is_number_integer()) bad("schema_version", "expected an integer");
  if (sv.get<int64_t>() != kSchemaVersion)
    throw input_error("report schema_version " + sv.dump() + " is not supported (this accelbench reads version " +
                      std::to_string(kSchemaVersion) + ")");
  report r;
  const json& tool = field(j, "", "tool");
  r.tool_name = str(tool, "tool", "name");
  r.tool_version = str(tool, "tool", "version");
  r.git_sha = str(tool, "tool", "git_sha");
  if (tool.contains("sources")) {
    const json& src = tool["sources"];
    if (!src.is_object()) bad("tool.sources", "expected an object of code digests");
    for (const auto& [k, v] : src.items()) {
      if (!v.is_string()) bad("tool.sources." + k, "expected a string");
      r.sources[k] = v.get<std::string>();
    }
  }
  r.created_utc = str(j, "", "created_utc");
  r.command_line = str(j, "", "command_line");
  if (j.contains("interrupted")) r.interrupted = boolean(j, "", "interrupted");
  if (j.contains("warnings")) {
    const json& w = j["warnings"];
    if (!w.is_array()) bad("warnings", "expected an array of strings");
    for (size_t i = 0; i < w.size(); ++i) {
      if (!w[i].is_string()) bad("warnings[" + std::to_string(i) + "]", "expected a string");
      r.warnings.push_back(w[i].get<std::string>());
    }
  }
  if (j.contains("resumed_from") && !j["resumed_from"].is_null()) r.resumed_from = str(j, "", "resumed_from");
  if (j.contains("completed_points")) {
    const json& cp = j["completed_points"];
    if (!cp.is_array()) bad("completed_points", "expected an array");
    for (size_t i = 0; i < cp.size(); ++i) {
      const std::string p = "completed_points[" + std::to_string(i) + "]";
      (void)str(cp[i], p, "workload");
      if (!field(cp[i], p, "params").is_object()) bad(p + ".params", "expected an object");
    }
    r.completed_points = cp;
  }
  r.config = field(j, "", "config");
  if (!r.config.is_object()) bad("config", "expected an object");
  r.system = system_from(field(j, "", "system"), "system");
  const json& cases = field(j, "", "cases");
  if (!cases.is_array()) bad("cases", "expected an array");
  std::map<std::string, size_t> seen;  // a case's identity -> its index: compare and validate need them unique
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string p = "cases[" + std::to_string(i) + "]";
    r.cases.push_back(case_from(cases[i], p));
    const case_result& c = r.cases.back();
    const std::string key = c.workload + '\n' + c.params.dump() + '\n' + c.backend + '\n' + c.variant + '\n' + c.timing +
                            '\n' + std::to_string(c.threads);
    const auto [it, fresh] = seen.emplace(key, i);
    if (!fresh) bad(p, "duplicates cases[" + std::to_string(it->second) + "] (same workload, params, backend, variant, timing, threads)");
  }
  const json& speedups = field(j, "", "speedups");
  if (!speedups.is_array()) bad("speedups", "expected an array");
  for (size_t i = 0; i < speedups.size(); ++i)
    r.speedups.push_back(speedup_from(speedups[i], "speedups[" + std::to_string(i) + "]"));
  for (const char* k : {"fallback", "cold_start", "capacity"})
    if (j.contains(k) && !j[k].is_null() && !j[k].is_object()) bad(k, "expected an object or null");
  if (j.contains("crossovers") && !j["crossovers"].is_null() && !j["crossovers"].is_array())
    bad("crossovers", "expected an array or null");
  check_peaks(r.system.peaks);
  if (j.contains("crossovers")) check_crossovers(r.crossovers = j["crossovers"]);
  if (j.contains("fallback")) check_fallback(j["fallback"]);
  if (j.contains("cold_start")) check_cold_start(j["cold_start"]);
  if (j.contains("capacity")) check_capacity(j["capacity"]);
  if (j.contains("fallback")) r.fallback = j["fallback"];
  if (j.contains("cold_start")) r.cold_start = j["cold_start"];
  if (j.contains("capacity")) r.capacity = j["capacity"];
  if (j.contains("run_time_s")) check_run_time(r.run_time_s = j["run_time_s"]);
  return r;
}

report read_report(const std::string& path) {
  const json j = parse_input_json(read_input_file(path, ""), path);
  try {
    return report_from_json(j);
  } catch (const input_error& e) {
    throw input_error(path + ": " + e.what());
  }
}

void write_report(const report& r, const std::string& path) {
  write_file_atomically(path, to_json(r).dump(2) + "\n");
}

}  // namespace accel
