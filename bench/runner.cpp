#include "runner.hpp"

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "cpu_round.hpp"
#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "host_monitor.hpp"
#include "interrupt.hpp"
#include "memory_tracker.hpp"
#include "nvml.hpp"
#include "rng.hpp"
#include "speedup.hpp"
#include "stopping_rule.hpp"
#include "timer.hpp"
#include "workload.hpp"

namespace accel {

std::string params_label(const json& params) {
  std::string s;
  for (const auto& [k, v] : params.items()) {
    if (!s.empty()) s += ' ';
    s += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return s;
}

namespace {

case_result new_case(const workload& w, const json& params, const workload_point& pt, const std::string& backend,
                     const std::string& variant, const std::string& timing) {
  case_result c;
  c.workload = w.name;
  c.params = params;
  c.backend = backend;
  c.variant = variant;
  c.timing = timing;
  c.flops_per_call = pt.flops;
  c.bytes_per_call = pt.bytes;
  c.items_per_call = pt.items;
  return c;
}

// Appends one round of a case's sampling to it.
void add_round(case_result& c, const round_result& r) {
  const bool first = c.round_sizes.empty();
  c.host = first ? r.host : combined(*c.host, r.host);
  c.samples_ns.insert(c.samples_ns.end(), r.sampling.samples_ns.begin(), r.sampling.samples_ns.end());
  c.round_sizes.push_back(r.sampling.samples_ns.size());
  c.iterations_per_sample = r.sampling.iterations_per_sample;
  c.converged = r.sampling.converged && (first || c.converged);
}

// A GPU case's sampling, in one round; false when interrupted (the case is
// abandoned, not recorded). NVML reads the clocks and throttling of the GPU
// `pci_bus_id` around it.
bool sample_gpu_case(case_result& c, const stopping_rule& rule, const timed_batch& run,
                     const std::string& pci_bus_id) {
  const host_snapshot before = take_host_snapshot();
  if (!pci_bus_id.empty()) c.gpu_before = nvml::instance().read(pci_bus_id);
  round_result r;
  r.sampling = sample_until_stable(rule, run);
  if (interrupted()) return false;
  r.host = activity_between(before, take_host_snapshot(), int(std::thread::hardware_concurrency()));
  if (!pci_bus_id.empty()) {
    c.gpu_after = nvml::instance().read(pci_bus_id);
    const uint64_t bits = (c.gpu_before ? c.gpu_before->throttle_reasons : 0) |
                          (c.gpu_after ? c.gpu_after->throttle_reasons : 0);
    c.throttled = throttle_reason_names(bits & kThrottlingMask);
  }
  add_round(c, r);
  return true;
}

// The statistics once every round is in.
void summarize_case(case_result& c) {
  c.stats = summarize({c.samples_ns, c.round_sizes});
  c.gflops = c.flops_per_call / c.stats.median;  // FLOP per ns = GFLOP/s
  c.items_per_s = c.items_per_call / (c.stats.median * 1e-9);
}

uint64_t host_peak_rss_bytes() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return uint64_t(u.ru_maxrss) * 1024;  // Linux reports KiB
}

std::optional<uint64_t> device_used_bytes(int device) {
  uint64_t free_b = 0, total_b = 0;
  if (!gpu::memory_info(device, free_b, total_b)) return std::nullopt;
  return total_b - free_b;
}

std::string why_no_gpu(const run_config& cfg, const gpu_probe& gpu) {
  if (cfg.backend == "cpu") return gpu.reason;
  if (!gpu.usable) return (gpu.built_with_cuda ? "no GPU: " : "") + gpu.reason;
  return "";
}

}  // namespace

void run_cases(const run_config& cfg, const std::vector<suite_point>& points, const gpu_probe& gpu, report& rep,
               const run_hooks& hooks) {
  const std::string no_gpu = why_no_gpu(cfg, gpu);
  const char* gpu_timings[] = {"kernel", "end_to_end"};
  const std::vector<int> thread_counts = cpu_thread_counts(cfg);
  const int all_threads = thread_counts.back();
  const std::string pci_bus_id =
      gpu.usable && size_t(cfg.device) < gpu.gpus.size() ? gpu.gpus[size_t(cfg.device)].pci_bus_id : std::string();
  for (const auto& [wp, params] : points) {
    const workload& w = *wp;
    const std::string label = w.name + " " + params_label(params);
    auto pt = w.make_point(params, cfg.seed);

    if (hooks.progress) hooks.progress(label + " cpu");
    set_cpu_threads(all_threads);
    pt->run_cpu(0);  // the reference output every other result is checked against
    pt->keep_reference();
    if (interrupted()) return;
    // Every CPU case of the point, checked on the first round's inputs.
    struct cpu_case {
      case_result c;
      int variant;
    };
    std::vector<cpu_case> cpu_cases;
    for (size_t v = 0; v < w.cpu_variants.size(); ++v) {
      const cpu_variant& cv = w.cpu_variants[v];
      for (int threads : cv.parallel ? thread_counts : std::vector<int>{1}) {
        set_cpu_threads(threads);
        case_result c = new_case(w, params, *pt, "cpu", cv.name, "cpu");
        c.threads = threads;
        pt->run_cpu(int(v));
        c.verification = pt->check(pt->cpu_output());
        c.status = c.verification->passed ? "ok" : "verify_failed";
        cpu_cases.push_back({c, int(v)});
      }
    }
    // Rounds: the cases take turns; each round runs in a fresh child process
    // that makes the point again from the seed, or here on inputs made again
    // at new addresses, or (points past kRemakeMaxBytes) here on the same
    // inputs (README "Rounds").
    const stopping_rule round_rule = round_share(cfg.rule);
    const bool remake = w.host_bytes(params) <= kRemakeMaxBytes;
    const bool in_child = remake && cfg.rounds_in == "child_processes";
    for (int round = 0; round < std::max(cfg.rule.rounds, 1); ++round) {
      if (hooks.progress)
        hooks.progress(label + " cpu round " + std::to_string(round + 1) + "/" + std::to_string(cfg.rule.rounds) +
                       (in_child ? " (child process)" : ""));
      std::vector<round_case> todo;
      for (const auto& [c, v] : cpu_cases)  // later rounds time the batches the first picked
        todo.push_back({v, c.threads, c.round_sizes.empty() ? 0 : c.iterations_per_sample});
      std::vector<round_result> done;
      if (in_child) {
        done = sample_cpu_round_in_child(w.name, params, cfg.seed, todo, round_rule);
      } else {
        if (round > 0 && remake) {
          // Made while the last round's point still holds its memory (the
          // assignment frees it after), after a spacer of random size:
          // otherwise the allocator hands back the same addresses and every
          // round sees the same placement.
          rng r(derive_seed(cfg.seed, 0x5ACE0000u + uint64_t(round)));
          std::vector<char> spacer(64 * (1 + r.below(1024)));
          pt = w.make_point(params, cfg.seed);
        }
        done = sample_cpu_round(*pt, todo, round_rule);
      }
      if (done.size() != cpu_cases.size()) return;  // interrupted
      for (size_t i = 0; i < done.size(); ++i) {
        add_round(cpu_cases[i].c, done[i]);
        cpu_cases[i].c.rounds_in = in_child ? "child_processes" : "this_process";
      }
    }
    case_result cpu;  // the speedups' baseline: the first CPU variant on all threads
    for (auto& [c, v] : cpu_cases) {
      summarize_case(c);
      c.memory = case_memory{0, std::nullopt, std::nullopt, host_peak_rss_bytes()};
      rep.cases.push_back(c);
      if (v == 0 && c.threads == all_threads) cpu = c;
    }
    set_cpu_threads(all_threads);
    if (cfg.rule.rounds > 1 && remake && !in_child) {  // the GPU variants are checked against the reference
      pt->run_cpu(0);
      pt->keep_reference();
    }

    for (const auto& variant : w.gpu_variants) {
      if (!no_gpu.empty()) {
        for (const char* t : gpu_timings)
          rep.speedups.push_back(not_measured(w.name, params, variant, t, cfg.target, no_gpu));
        continue;
      }
      if (cpu.status != "ok") {
        for (const char* t : gpu_timings)
          rep.speedups.push_back(not_measured(w.name, params, variant, t, cfg.target,
                                              "the CPU reference failed its own check"));
        continue;
      }
      std::unique_ptr<device_run> run;
      verification v;
      case_memory mem;
      device_memory().reset_peak();
      mem.device_used_before = device_used_bytes(cfg.device);
      try {
        if (hooks.progress) hooks.progress(label + " gpu/" + variant + " verify");
        run = pt->make_gpu(variant, cfg.device);
        mem.device_used_after = device_used_bytes(cfg.device);
        run->run_once();
        v = pt->check({run->output(), run->output_bytes()});
      } catch (const gpu_error& e) {
        for (const char* t : gpu_timings) {
          case_result c = new_case(w, params, *pt, "gpu", variant, t);
          c.status = "error";
          c.error = e.what();
          c.memory = mem;
          c.memory->device_peak_bytes = device_memory().peak_bytes();
          rep.cases.push_back(c);
          rep.speedups.push_back(not_measured(w.name, params, variant, t, cfg.target, std::string("GPU error: ") + e.what()));
        }
        continue;
      }
      for (const char* t : gpu_timings) {
        case_result c = new_case(w, params, *pt, "gpu", variant, t);
        c.verification = v;
        c.status = v.passed ? "ok" : "verify_failed";
        try {
          if (hooks.progress) hooks.progress(label + " gpu/" + variant + " " + t);
          // One round: the device buffers are made once per variant.
          const bool kernel = std::string(t) == "kernel";
          if (!sample_gpu_case(c, cfg.rule, [&](int iterations) {
                return kernel ? run->time_kernel_ns(iterations) : run->time_end_to_end_ns(iterations);
              }, pci_bus_id))
            return;
          summarize_case(c);
        } catch (const gpu_error& e) {
          c.status = "error";
          c.error = e.what();
          c.samples_ns.clear();
          c.round_sizes.clear();
        }
        c.memory = mem;
        c.memory->device_peak_bytes = device_memory().peak_bytes();
        c.memory->host_peak_rss_bytes = host_peak_rss_bytes();
        rep.cases.push_back(c);
        if (c.status == "ok")
          rep.speedups.push_back(measure_speedup(cpu, c, cfg.target));
        else if (c.status == "verify_failed")
          rep.speedups.push_back(not_measured(w.name, params, variant, t, cfg.target,
                                              "verification failed: " + v.first_mismatch + " (" +
                                                  std::to_string(v.mismatches) + " mismatches)"));
        else
          rep.speedups.push_back(not_measured(w.name, params, variant, t, cfg.target, "GPU error: " + c.error));
      }
    }
    rep.completed_points.push_back({{"workload", w.name}, {"params", params}});
    if (hooks.checkpoint) hooks.checkpoint(rep);
  }
}

void add_scaling_efficiency(report& rep) {
  for (auto& c : rep.cases) {
    if (c.backend != "cpu" || c.threads <= 1 || c.status != "ok") continue;
    for (const auto& one : rep.cases)
      if (one.backend == "cpu" && one.threads == 1 && one.status == "ok" && one.workload == c.workload &&
          one.variant == c.variant && one.params == c.params)
        c.scaling_efficiency = one.stats.median / (c.stats.median * c.threads);
  }
}

}  // namespace accel
