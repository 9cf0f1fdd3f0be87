#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "atomic_file.hpp"
#include "capacity.hpp"
#include "fallback_latency.hpp"
#include "interrupt.hpp"
#include "memory_tracker.hpp"
#include "config.hpp"
#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "reporters/console.hpp"
#include "runner.hpp"
#include "system_info.hpp"
#include "workload.hpp"

#ifndef ACCELBENCH_VERSION
#define ACCELBENCH_VERSION "0.0.0"
#endif
#ifndef ACCELBENCH_GIT_SHA
#define ACCELBENCH_GIT_SHA "unknown"
#endif

namespace accel {

namespace {

constexpr int kExitGate = 1;
constexpr int kExitUsage = 2;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

// "1,16,256" -> {1, 16, 256}; names the option and the bad token on failure.
std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text) {
  std::vector<int64_t> out;
  for (const auto& tok : split(text, ',')) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (tok.empty() || used != tok.size())
      throw input_error(option + ": '" + tok + "' is not a whole number");
    out.push_back(v);
  }
  return out;
}

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i) s += ' ';
    s += a.find_first_of(" \t\"'") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

system_info describe_system(int threads, const gpu_probe& gpu) {
  system_info s = collect_host_info(threads);
  s.eigen_version = eigen_version() + " (" + eigen_simd() + ")";
  s.cuda_built = gpu.built_with_cuda;
  s.cuda = gpu.cuda;
  s.gpus = gpu.gpus;
  s.gpu_unavailable_reason = gpu.usable ? "" : gpu.reason;
  return s;
}

std::string gpu_line(const gpu_probe& gpu, int device) {
  if (!gpu.built_with_cuda) return "none (built without CUDA)";
  if (!gpu.usable) return "none (no GPU: " + gpu.reason + ")";
  const auto& g = gpu.gpus[size_t(device)];
  return g.name + " (sm_" + g.compute_capability + ", " + std::to_string(g.sm_count) + " SMs, " +
         std::to_string(g.memory_bytes >> 20) + " MiB)";
}

int cmd_run(run_config cfg, const std::string& cmdline) {
  const uint64_t memory = collect_host_info(0).memory_bytes;
  for (const auto& w : cfg.workloads)
    if (!find_workload(w)) {
      std::string known;
      for (const auto& k : all_workloads()) known += (known.empty() ? "" : ", ") + k.name;
      throw input_error("--workloads: unknown workload '" + w + "' (known: " + known + ")");
    }
  validate(cfg, memory);
  if (!cfg.out.empty()) {
    const std::string why = check_writable(cfg.out);
    if (!why.empty()) throw input_error("--out: cannot write the report: " + why);
  }

  const int threads = cfg.cpu_threads > 0 ? cfg.cpu_threads : cpu_threads_available();
  set_cpu_threads(threads);
  // --backend cpu never touches the driver.
  gpu_probe gpu;
  if (cfg.backend == "cpu") {
    gpu.built_with_cuda = gpu::built_with_cuda();
    gpu.reason = "--backend cpu: GPU not used";
  } else {
    gpu = gpu::probe();
  }
  if (gpu.usable && cfg.device >= int(gpu.gpus.size()))
    throw input_error("--device: " + std::to_string(cfg.device) + " does not exist (" + std::to_string(gpu.gpus.size()) +
                      " GPU(s) found)");
  if (!gpu.usable && (cfg.require_gpu || cfg.backend == "gpu")) {
    std::cerr << "accelbench: no usable GPU (" << gpu.reason << ")"
              << (cfg.backend == "gpu" ? " and --backend gpu forbids the CPU fallback" : "") << "\n";
    return kExitGate;
  }

  uint64_t limit = 0;
  if (!cfg.device_memory_limit.empty()) {
    const uint64_t total = gpu.usable ? gpu.gpus[size_t(cfg.device)].memory_bytes : 0;
    limit = parse_memory_limit(cfg.device_memory_limit, total);
    device_memory().set_limit(limit);
  }

  report rep;
  rep.tool_version = ACCELBENCH_VERSION;
  rep.git_sha = ACCELBENCH_GIT_SHA;
  rep.created_utc = utc_now_iso8601();
  rep.command_line = cmdline;
  rep.config = config_json(cfg);
  rep.system = describe_system(threads, gpu);

  std::cout << "accelbench " << ACCELBENCH_VERSION << "  CPU: " << rep.system.cpu_model << " (" << threads
            << " threads)\n"
            << "  GPU: " << gpu_line(gpu, cfg.device) << "\n";
  const bool tty = ::isatty(STDERR_FILENO);
  run_hooks hooks;
  hooks.progress = [&](const std::string& what) {
    if (tty)
      std::cerr << "\r\033[K  running " << what << std::flush;
    else
      std::cerr << "  running " << what << "\n";
  };
  hooks.checkpoint = [&](const report& r) {
    if (!cfg.out.empty()) write_report(r, cfg.out);
  };
  if (!cfg.inject_fault.empty()) {
    const std::string& f = cfg.inject_fault;
    gpu::set_fault(f == "alloc" ? gpu::fault::alloc : f == "launch" ? gpu::fault::launch : gpu::fault::sync);
  }
  install_interrupt_handlers();
  run_cases(cfg, gpu, rep, hooks);
  gpu::set_fault(gpu::fault::none);
  if (interrupted()) {
    if (tty) std::cerr << "\r\033[K";
    rep.interrupted = true;
    write_console(rep, std::cout);
    if (!cfg.out.empty()) write_report(rep, cfg.out);
    std::cerr << "accelbench: interrupted; " << rep.cases.size() << " finished case(s) saved"
              << (cfg.out.empty() ? "" : " in " + cfg.out) << "\n";
    return 128 + interrupt_signal();
  }
  if (cfg.fallback) {
    if (hooks.progress) hooks.progress("fallback latency and cold start");
    rep.capacity = measure_capacity(cfg, gpu, limit);
    rep.fallback = measure_fallback(cfg, gpu);
    rep.cold_start = measure_cold_start(cfg, gpu);
  }
  if (tty) std::cerr << "\r\033[K";

  write_console(rep, std::cout);
  if (!cfg.out.empty()) {
    write_report(rep, cfg.out);
    std::cout << "report: " << cfg.out << "\n";
  }
  if (cfg.gate)
    for (const auto& s : rep.speedups)
      if (s.verdict == "fail") return kExitGate;
  return 0;
}

int cmd_list(bool as_json) {
  const gpu_probe gpu = gpu::probe();
  json j = {{"workloads", json::array()}, {"gpus", json::array()}};
  for (const auto& w : all_workloads())
    j["workloads"].push_back({{"name", w.name},
                              {"description", w.description},
                              {"cpu_variants", {"eigen"}},
                              {"gpu_variants", w.gpu_variants},
                              {"parameters", w.parameters}});
  for (const auto& g : gpu.gpus)
    j["gpus"].push_back({{"name", g.name}, {"compute_capability", g.compute_capability}, {"memory_bytes", g.memory_bytes}});
  j["cuda_built"] = gpu.built_with_cuda;
  j["gpu_unavailable_reason"] = gpu.usable ? json(nullptr) : json(gpu.reason);
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "workloads:\n";
  for (const auto& w : all_workloads()) {
    std::cout << "  " << w.name << "  " << w.description << "\n    cpu: eigen   gpu:";
    for (const auto& v : w.gpu_variants) std::cout << " " << v;
    std::cout << "\n    parameters:";
    for (const auto& p : w.parameters) std::cout << " " << p;
    std::cout << "\n";
  }
  std::cout << "GPUs:\n";
  if (!gpu.usable) std::cout << "  none: " << (gpu.built_with_cuda ? "no GPU: " : "") << gpu.reason << "\n";
  for (size_t i = 0; i < gpu.gpus.size(); ++i) std::cout << "  [" << i << "] " << gpu_line(gpu, int(i)) << "\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"accelbench: how much faster is this GPU than this CPU on real work, and is it fast enough?"};
  app.set_version_flag("--version", std::string("accelbench ") + ACCELBENCH_VERSION + " (" + ACCELBENCH_GIT_SHA + ")" +
                                        (gpu::built_with_cuda() ? "" : ", built without CUDA"));
  app.require_subcommand(1);

  run_config cfg;
  std::string workloads = "mlp", batches = "1,16,256,4096,16384", layers = "512,1024,1024,1024,64";
  std::string threads = "all";
  auto* run = app.add_subcommand("run", "Run the suite: verify, time, and judge the speedup");
  run->add_option("--workloads", workloads, "Comma-separated workloads (see `accelbench list`)")->capture_default_str();
  run->add_option("--batch-sizes", batches, "MLP batch sizes to sweep")->capture_default_str();
  run->add_option("--layers", layers, "MLP layer widths, input first")->capture_default_str();
  run->add_option("--device", cfg.device, "CUDA device index")->capture_default_str();
  run->add_option("--out", cfg.out, "JSON report path (written atomically; '' for none)")->capture_default_str();
  run->add_flag("--require-gpu", cfg.require_gpu, "Exit 1 when no usable GPU is found");
  run->add_flag("--gate", cfg.gate, "Exit 1 when any speedup verdict is 'fail'");
  run->add_option("--seed", cfg.seed, "Seed of every input")->capture_default_str();
  run->add_option("--min-samples", cfg.rule.min_samples, "Stopping rule: fewest samples")->capture_default_str();
  run->add_option("--min-time", cfg.rule.min_time_s, "Stopping rule: least sampled time, seconds")->capture_default_str();
  run->add_option("--max-noise", cfg.rule.max_noise, "Stopping rule: relative CI half-width of the median")
      ->capture_default_str();
  run->add_option("--max-time", cfg.rule.max_time_s, "Stopping rule: wall-clock limit per case, seconds; then 'noisy'")
      ->capture_default_str();
  run->add_option("--target", cfg.target, "Speedup target for the verdict")->capture_default_str();
  run->add_option("--cpu-threads", threads, "CPU threads: a number or 'all'")->capture_default_str();
  run->add_option("--backend", cfg.backend, "auto (GPU, CPU when unusable), gpu (strict) or cpu")
      ->capture_default_str();

  run->add_option("--device-memory-limit", cfg.device_memory_limit,
                  "Refuse device allocations past BYTES (KiB/MiB/GiB) or PCT% of the card");
  run->add_option("--inject-fault", cfg.inject_fault, "Make the GPU fail on purpose: alloc, launch or sync");
  run->add_flag("!--no-fallback", cfg.fallback, "Skip the CPU fallback latency, capacity and cold-start measurements");

  bool list_json = false;
  auto* list = app.add_subcommand("list", "List workloads, variants, parameters and the GPUs found");
  list->add_flag("--json", list_json, "Print as JSON");

  // Hidden verbs: the child-process halves of the fallback and cold-start
  // measurements (bench/fallback_latency.cpp).
  auto* internal = app.add_subcommand("internal")->group("");
  std::string in_layers = "[]", in_fault = "none";
  int in_batch = 1, in_threads = 1, in_device = 0;
  uint64_t in_seed = 42;
  auto* first_request = internal->add_subcommand("first-request");
  first_request->add_option("--layers", in_layers);
  first_request->add_option("--batch", in_batch);
  first_request->add_option("--seed", in_seed);
  first_request->add_option("--cpu-threads", in_threads);
  first_request->add_option("--device", in_device);
  first_request->add_option("--fault", in_fault);
  auto* cold_start = internal->add_subcommand("cold-start");
  cold_start->add_option("--device", in_device);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "accelbench: " << e.what() << "\nRun 'accelbench --help' for usage.\n";
    return kExitUsage;
  }

  try {
    if (*list) return cmd_list(list_json);
    if (*first_request)
      return internal_first_request(json::parse(in_layers).get<std::vector<int64_t>>(), in_batch, in_seed, in_threads,
                                    in_device, in_fault);
    if (*cold_start) return internal_cold_start(in_device);
    cfg.workloads = split(workloads, ',');
    cfg.batch_sizes = parse_int_list("--batch-sizes", batches);
    cfg.layers = parse_int_list("--layers", layers);
    if (threads == "all") {
      cfg.cpu_threads = 0;
    } else {
      const auto t = parse_int_list("--cpu-threads", threads);
      if (t.size() != 1 || t[0] < 1) throw input_error("--cpu-threads: expected 'all' or a positive number");
      cfg.cpu_threads = int(std::min<int64_t>(t[0], 1 << 20));
    }
    return cmd_run(cfg, command_line(argc, argv));
  } catch (const input_error& e) {
    std::cerr << "accelbench: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "accelbench: out of host memory (try smaller --batch-sizes or --layers)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "accelbench: error: " << e.what() << "\n";
    return 3;
  }
}

}  // namespace accel
