#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <thread>
#include <type_traits>
#include <utility>
#include <chrono>
#include <iostream>
#include <unistd.h>

#include "advice.hpp"
#include "atomic_file.hpp"
#include "capacity.hpp"
#include "compare.hpp"
#include "fallback_latency.hpp"
#include "interrupt.hpp"
#include "memory_tracker.hpp"
#include "config.hpp"
#include "cpu_round.hpp"
#include "cpu_threads.hpp"
#include "gpu.hpp"
#include "host_monitor.hpp"
#include "nvml.hpp"
#include "reporters/console.hpp"
#include "reporters/format_util.hpp"
#include "reporters/reporters.hpp"
#include "peaks.hpp"
#include "resume.hpp"
#include "roofline.hpp"
#include "runner.hpp"
#include "suite.hpp"
#include "timer.hpp"
#include "system_info.hpp"
#include "trend.hpp"
#include "validate.hpp"
#include "workload.hpp"
#include "workloads/mlp.hpp"
#include "git_sha.hpp"  // generated at every build (bench/git_sha.cmake)
#include "sources.hpp"  // generated at every build (bench/sources.cmake)

#ifndef ACCELBENCH_VERSION
#define ACCELBENCH_VERSION "0.0.0"
#endif

namespace accel {

namespace {

constexpr int kExitGate = 1;
constexpr int kExitUsage = 2;
constexpr int kExitError = 3;  // anything else that went wrong

// CLI11's parse error in words of this tool: an option given twice reads
// "--seed: At Most 1 required but received 2" there.
std::string usage_message(const CLI::ParseError& e) {
  const std::string what = e.what(), mark = ": At Most 1 required but received ";
  const size_t at = what.find(mark);
  if (at == std::string::npos || what.rfind("--", 0) != 0) return what;
  return what.substr(0, at) + " is given " + what.substr(at + mark.size()) +
         " times; give it once (options that take several values take them comma-separated)";
}

// CLI11 2.1 reads "" as 0 and wraps "-1" or 2^64 into an unsigned option
// without a word; every numeric option checks its text with one of these first.
template <typename T>
CLI::Validator number_text(const char* what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        const auto [stop, ec] = std::from_chars(text.data(), end, value);
        bool ok = !text.empty() && ec == std::errc() && stop == end;
        if constexpr (std::is_floating_point_v<T>) ok = ok && std::isfinite(value);
        return ok ? std::string() : "'" + text + "' is not " + what;
      },
      "");
}
const CLI::Validator kCount = number_text<uint64_t>("a whole number in [0, 2^64)");
const CLI::Validator kInteger = number_text<int>("a 32-bit whole number");
const CLI::Validator kReal = number_text<double>("a finite number, e.g. 0.5");
// A share, as a fraction ("0.05") or a percentage ("5%", passed on as 0.05).
// A bare number of 1 or more is refused: "--fail 10" means 10 %, not 1000 %.
const CLI::Validator kShare(
    [](std::string& text) -> std::string {
      const bool pct = !text.empty() && text.back() == '%';
      const std::string num = pct ? text.substr(0, text.size() - 1) : text;
      double v{};
      const char* end = num.data() + num.size();
      const auto [stop, ec] = std::from_chars(num.data(), end, v);
      if (num.empty() || ec != std::errc() || stop != end || !std::isfinite(v) || v < 0)
        return "'" + text + "' is not a fraction (0.05) or a percentage (5%)";
      char buf[32];
      if (pct) {
        std::snprintf(buf, sizeof buf, "%.17g", v / 100);
        text = buf;
      } else if (v >= 1) {
        std::snprintf(buf, sizeof buf, "%g", v * 100);
        return "'" + text + "' would be " + buf + " %; give a fraction (0.1) or a percentage (10%)";
      }
      return {};
    },
    "");

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
  s.cpu_governor = cpu_governor();
  s.cpu_allowed = cpu_threads_available();
  s.load_average_at_start = load_average_1min();
  const host_snapshot before = take_host_snapshot();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  s.other_load_at_start = activity_between(before, take_host_snapshot()).other_busy_share;
  // NVML is the driver's library: loaded only when a GPU is used.
  if (!gpu.usable) s.nvml = "not loaded (no GPU in use)";
  else s.nvml = nvml::instance().available() ? "available" : nvml::instance().reason();
  return s;
}

std::string gpu_line(const gpu_probe& gpu, int device) {
  if (!gpu.built_with_cuda) return "none (built without CUDA)";
  if (!gpu.usable) return "none (no GPU: " + gpu.reason + ")";
  const auto& g = gpu.gpus[size_t(device)];
  return g.name + " (sm_" + g.compute_capability + ", " + std::to_string(g.sm_count) + " SMs, " +
         std::to_string(g.memory_bytes >> 20) + " MiB)";
}

// "dir/report.json" -> "dir/report" + ext
std::string sibling(const std::string& json_path, const std::string& ext) {
  std::string stem = json_path;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
  return stem + ext;
}

// The files a run writes: the JSON report at --out, every other file format beside it.
std::vector<std::pair<std::string, std::string>> output_files(const run_config& cfg) {
  std::vector<std::pair<std::string, std::string>> files;  // (format, path)
  if (cfg.out.empty()) return files;
  files.emplace_back("json", cfg.out);
  for (const auto& f : cfg.formats)
    if (f != "console" && f != "json") files.emplace_back(f, sibling(cfg.out, format_extension(f)));
  return files;
}

// Returns the paths written. When one cannot be written (a full disk, a
// folder gone), the error also says what the run left: the JSON report, or
// its last checkpoint (`checkpointed_cases` finished cases; < 0: none).
std::vector<std::string> save_outputs(const report& rep, const run_config& cfg, int checkpointed_cases) {
  std::vector<std::string> paths;
  for (const auto& [format, path] : output_files(cfg)) {
    try {
      if (format == "json") {
        write_report(rep, path);
      } else {
        std::ostringstream text;
        write_format(format, rep, text);
        write_file_atomically(path, text.str());
      }
    } catch (const std::exception& e) {
      const std::string kept =
          format != "json" ? "the JSON report " + cfg.out + " was written (accelbench report " + cfg.out +
                                 " --format " + format + " renders it again)"
          : checkpointed_cases >= 0 && std::filesystem::is_regular_file(cfg.out)
              ? cfg.out + " holds the run's last checkpoint, " + std::to_string(checkpointed_cases) +
                    " finished case(s) (--resume " + cfg.out + " goes on)"
              : "no report file remains; the results are the console output above";
      throw std::runtime_error(std::string(e.what()) + "; " + kept);
    }
    paths.push_back(path);
  }
  return paths;
}

// A list option's value given twice would run its points twice: refused as a
// likely typo, as suite files refuse a value listed twice (bench/suite.cpp).
void refuse_repeats(const std::string& option, const std::vector<std::string>& values) {
  std::set<std::string> seen;
  for (const auto& v : values)
    if (!seen.insert(v).second) throw input_error(option + ": " + v + " is listed twice");
}

// --out names the JSON report: "r.md" would get JSON, and the Markdown "r.md.md".
void check_out_name(const std::string& out) {
  // report's "--out -" is stdout; here it would make a file named "-".
  if (out == "-")
    throw input_error("--out: run prints its console to stdout and writes the JSON report to a file; give a .json "
                      "path, or '' for none (accelbench report FILE --format FMT prints a saved report)");
  for (const char* ext : {".txt", ".csv", ".md", ".html", ".xml"}) {
    const size_t n = std::char_traits<char>::length(ext);
    if (out.size() > n && out.compare(out.size() - n, n, ext) == 0)
      throw input_error("--out: " + out + " would hold the JSON report; give a .json path (--format writes the " +
                        "other formats beside it)");
  }
}

int cmd_run(run_config cfg, const std::string& cmdline) {
  const auto t_run = host_clock::now();
  const uint64_t memory = usable_memory_bytes(collect_host_info(0));
  for (const auto& w : cfg.workloads)
    if (!find_workload(w))
      throw input_error("--workloads: unknown workload '" + w + "' (known: " + workload_names() + ")");
  json suite = load_suite(cfg.suite);
  if (!cfg.max_time_given)
    if (const auto t = suite_max_time_s(suite)) cfg.rule.max_time_s = *t;
  validate(cfg);
  const std::vector<suite_point> points = points_for(cfg, std::move(suite), double(memory));
  // The fallback, capacity and cold-start measurements use the suite's MLP network.
  for (const auto& p : points)
    if (p.w->name == "mlp" && !cfg.layers_given) {
      cfg.layers.clear();
      for (int wdt : parse_layers(p.params.at("layers").get<std::string>())) cfg.layers.push_back(wdt);
      break;
    }
  for (const auto& f : cfg.formats) {
    std::ostringstream sink;
    write_format(f, report{}, sink);  // throws input_error for an unknown format
  }
  report partial;
  int checkpointed_cases = -1;  // in the last checkpoint at --out; -1: none yet
  if (!cfg.resume.empty()) {
    partial = read_report(cfg.resume);
    if (!partial.interrupted && partial.completed_points.size() == points.size())
      throw input_error("--resume: " + cfg.resume + " is a finished run; nothing to resume");
  }
  if (cfg.out.empty()) {
    for (const auto& f : cfg.formats)
      if (f != "console" && f != "json")
        throw input_error("--format " + f + ": written beside the JSON report, and --out '' asks for none; give "
                          "--out FILE.json");
  } else {
    const std::string why = check_writable(cfg.out);
    if (!why.empty()) throw input_error("--out: cannot write the report: " + why);
    std::error_code ec;
    const bool continuing = !cfg.resume.empty() && std::filesystem::equivalent(cfg.out, cfg.resume, ec);
    if (continuing) checkpointed_cases = int(partial.cases.size());  // until this run's first checkpoint
    check_out_name(cfg.out);
    for (const auto& [format, path] : output_files(cfg)) {  // a resumed run replaces its own files
      if (std::filesystem::is_directory(path, ec))  // --force cannot replace a folder either
        throw input_error("--out: " + path + " (the " + format + " report) is a folder");
      if (!cfg.force && !continuing && std::filesystem::exists(path))
        throw input_error("--out: " + path + " already exists; pass --force to overwrite it");
    }
  }

  const int threads = max_cpu_threads(cfg);
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
  rep.sources = ACCELBENCH_SOURCES;
  rep.created_utc = utc_now_iso8601();
  rep.command_line = cmdline;
  rep.config = config_json(cfg);
  rep.system = describe_system(threads, gpu);
  if (!cfg.resume.empty()) {
    check_resumable(partial, rep);
    const size_t finished = resume_from(partial, points, rep);
    rep.resumed_from = cfg.resume;
    std::set<std::string> begun;
    for (const auto& c : rep.cases) begun.insert(point_key(c.workload, c.params));
    std::cerr << "accelbench: resuming " << cfg.resume << ": " << finished << " of " << points.size()
              << " point(s) already finished, " << begun.size() - finished << " more begun\n";
  }
  rep.warnings = start_warnings(rep.system, gpu.usable && cfg.backend != "cpu");
  for (const auto& w : rep.warnings) std::cerr << "accelbench: warning: " << w << "\n";

  std::cout << "accelbench " << ACCELBENCH_VERSION << "  CPU: " << rep.system.cpu_model << " ("
            << cpu_side(rep.system) << ")\n"
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
    if (cfg.out.empty()) return;
    report so_far = r;
    // Until the final write the run has not finished: a process killed now
    // (SIGKILL, out of memory) leaves a file that says so, and resumes.
    so_far.interrupted = true;
    add_scaling_efficiency(so_far);
    apply_roofline(so_far);
    write_report(so_far, cfg.out);
    checkpointed_cases = int(so_far.cases.size());
  };
  if (!cfg.inject_fault.empty()) {
    const std::string& f = cfg.inject_fault;
    gpu::set_fault(f == "alloc" ? gpu::fault::alloc : f == "launch" ? gpu::fault::launch : gpu::fault::sync);
  }
  install_interrupt_handlers();
  // run_time_s: where this process's time went (the cases' phases come from the runner).
  rep.run_time_s = json::object();
  const auto timed = [&](const char* phase, const std::function<void()>& step) {
    const auto t0 = host_clock::now();
    step();
    rep.run_time_s[phase] = ns_since(t0) * 1e-9;
  };
  if (rep.system.peaks.is_null()) {
    if (hooks.progress) hooks.progress("ceilings (accelbench peaks)");
    const host_snapshot before = take_host_snapshot();
    timed("ceilings", [&] { rep.system.peaks = measure_peaks(gpu, cfg.device); });
    if (const std::string w = ceilings_load_warning(activity_between(before, take_host_snapshot()).other_busy_share);
        !w.empty()) {
      std::cerr << (tty ? "\r\033[K" : "") << "accelbench: warning: " << w << "\n";  // over the progress line
      rep.warnings.push_back(w);
    }
  }
  std::string stopped_by;  // an error that ended the run early
  const auto stop_on_error = [&](const std::function<void()>& step) {
    try {
      step();
    } catch (const std::bad_alloc&) {
      stopped_by = "out of host memory (try smaller sizes)";
    } catch (const std::exception& e) {
      stopped_by = e.what();
    }
  };
  stop_on_error([&] { run_cases(cfg, points, gpu, rep, hooks); });
  add_scaling_efficiency(rep);
  apply_roofline(rep);
  rep.crossovers = compute_crossovers(rep);
  gpu::set_fault(gpu::fault::none);
  if (cfg.fallback && !interrupted() && stopped_by.empty()) {
    if (hooks.progress) hooks.progress("fallback latency and cold start");
    stop_on_error([&] {
      timed("capacity", [&] { rep.capacity = measure_capacity(cfg, gpu, limit, device_capacity_probe(cfg)); });
      if (!interrupted()) timed("fallback", [&] { rep.fallback = measure_fallback(cfg, gpu); });
      if (!interrupted()) timed("cold_start", [&] { rep.cold_start = measure_cold_start(cfg, gpu); });
    });
    gpu::set_fault(gpu::fault::none);
  }
  rep.run_time_s["total"] = ns_since(t_run) * 1e-9;  // all but writing the outputs
  if (interrupted() || !stopped_by.empty()) {
    if (tty) std::cerr << "\r\033[K";
    rep.interrupted = true;
    if (!stopped_by.empty()) rep.warnings.push_back("the run stopped early: " + stopped_by);
    write_console(rep, std::cout);
    save_outputs(rep, cfg, checkpointed_cases);
    const std::string saved = std::to_string(rep.cases.size()) + " finished case(s) " +
                              (cfg.out.empty() ? "shown above (--out '': no report file)"
                                               : "saved in " + cfg.out + " (--resume " + cfg.out + " goes on)");
    if (stopped_by.empty()) {
      std::cerr << "accelbench: interrupted; " << saved << "\n";
      return 128 + interrupt_signal();
    }
    std::cerr << "accelbench: error: " << stopped_by << "; " << saved << "\n";
    return kExitError;
  }
  if (tty) std::cerr << "\r\033[K";

  write_console(rep, std::cout);
  for (const auto& p : save_outputs(rep, cfg, checkpointed_cases)) std::cout << "report: " << p << "\n";
  if (cfg.gate)
    for (const auto& s : rep.speedups)
      if (s.verdict == "fail") return kExitGate;
  return 0;
}

int cmd_report(const std::vector<std::string>& inputs, const std::string& formats, const std::string& out, bool force) {
  const auto list = split(formats, ',');
  if (inputs.size() != 1 && out != "-")
    throw input_error("report: give one report with --out, or several printed to stdout (--out -)");
  // One file holds one format: console text followed by JSON in r.json is neither.
  if (list.size() != 1 && out != "-")
    throw input_error("report: give one --format with --out FILE, or several printed to stdout (--out -)");
  std::ostringstream text;
  for (const auto& in : inputs) {
    const report r = read_report(in);
    for (const auto& f : list) write_format(f, r, text);
  }
  if (out == "-") {
    std::cout << text.str();
    return 0;
  }
  const std::string why = check_writable(out);
  if (!why.empty()) throw input_error("--out: cannot write: " + why);
  if (!force && std::filesystem::exists(out)) throw input_error("--out: " + out + " already exists; pass --force to overwrite it");
  write_file_atomically(out, text.str());
  return 0;
}

int cmd_compare(const std::vector<std::string>& paths, const compare_options& o, const std::string& format,
                bool as_trend) {
  if (!(o.alpha > 0 && o.alpha < 1)) throw input_error("--alpha: must be in (0, 1)");
  if (!(o.noise >= 0 && o.noise < 1) || !(o.warn >= 0) || !(o.fail >= 0))
    throw input_error("--noise, --warn, --fail: must be non-negative fractions (0.02 = 2 %), --noise under 1");
  if (format != "console" && format != "md" && format != "json" && format != "html")
    throw input_error("--format: compare writes console, md, json or html");
  if (as_trend) {
    if (paths.size() < 2) throw input_error("compare --trend: give two or more reports, oldest first");
    std::vector<report> reports;
    for (const auto& p : paths) reports.push_back(read_report(p));
    write_trend(build_trend(reports, paths), format, std::cout);
    return 0;
  }
  if (paths.size() != 2) throw input_error("compare: give BASE.json and CANDIDATE.json (or --trend for more)");
  const report base = read_report(paths[0]), cand = read_report(paths[1]);
  const comparison c = compare_reports(base, cand, o);
  if (format == "json") std::cout << comparison_json(c, o).dump(2) << "\n";
  else if (format == "md") write_comparison_markdown(c, o, std::cout);
  else if (format == "html") write_comparison_html(c, o, std::cout);
  else write_comparison_console(c, o, std::cout);
  // Nothing in common (another suite, other sizes): a gate that compares
  // nothing must not pass.
  if (c.changes.empty())
    throw input_error("compare: no case of " + paths[1] + " matches one of " + paths[0] +
                      " (different workloads or parameters; the unmatched cases are listed above)");
  for (const auto& ch : c.changes)
    if (ch.fail) return kExitGate;
  return 0;
}

int cmd_validate(const std::string& path, const std::string& targets, const std::string& format) {
  if (format != "console" && format != "md" && format != "json")
    throw input_error("--format: validate writes console, md or json");
  const report r = read_report(path);
  const auto rules = targets.empty() ? default_targets(r) : load_targets(targets);
  const auto checks = validate_report(r, rules);
  write_validation(checks, format, std::cout);
  return validation_failed(checks) ? kExitGate : 0;
}

int cmd_peaks(int device, bool as_json, const std::string& threads) {
  int t = cpu_threads_available();
  if (threads != "all") {
    const auto v = parse_int_list("--cpu-threads", threads);
    if (v[0] < 1 || v[0] > 4096) throw input_error("--cpu-threads: expected 'all' or a count in [1, 4096]");
    t = int(v[0]);
  }
  set_cpu_threads(t);
  const gpu_probe gpu = gpu::probe();
  if (gpu.usable && (device < 0 || device >= int(gpu.gpus.size())))
    throw input_error("--device: " + std::to_string(device) + " does not exist");
  const json p = measure_peaks(gpu, device);
  if (as_json) {
    std::cout << p.dump(2) << "\n";
    return 0;
  }
  char line[160];
  const json& c = p["cpu"];
  std::snprintf(line, sizeof line,
                "CPU (%d thread%s): memory %.1f GB/s triad, %.1f read, %.1f update; fp32 FMA %.1f GFLOP/s\n", t,
                t == 1 ? "" : "s", c["triad_gb_per_s"].get<double>(), c["read_gb_per_s"].get<double>(),
                c["update_gb_per_s"].get<double>(), c["fma_gflops"].get<double>());
  std::cout << line;
  if (p["gpu"].is_object()) {
    const json& g = p["gpu"];
    std::snprintf(line, sizeof line,
                  "GPU (measured): memory %.1f GB/s device copy, %.1f read; fp32 FMA %.1f GFLOP/s; "
                  "H2D %.1f GB/s, D2H %.1f GB/s\n",
                  g["d2d_gb_per_s"].get<double>(), g["read_gb_per_s"].get<double>(), g["fma_gflops"].get<double>(),
                  g["h2d_gb_per_s"].get<double>(), g["d2h_gb_per_s"].get<double>());
    std::cout << line;
  }
  std::cout << "The roofline's memory ceiling is the best of each side's memory figures.\n";
  if (p["gpu_datasheet"].is_object()) {
    std::snprintf(line, sizeof line, "GPU (datasheet-style, from device properties): memory %.1f GB/s, fp32 %.1f GFLOP/s\n",
                  p["gpu_datasheet"]["memory_gb_per_s"].get<double>(), p["gpu_datasheet"]["fp32_gflops"].get<double>());
    std::cout << line;
  }
  if (p["gpu_reason"].is_string()) std::cout << "GPU: " << p["gpu_reason"].get<std::string>() << "\n";
  return 0;
}

int cmd_list(bool as_json, const std::string& suite) {
  if (!suite.empty()) {
    const json s = load_suite(suite);
    (void)expand_suite(s, {}, 0);  // a suite file is checked before it is printed
    if (as_json)
      std::cout << s.dump(2) << "\n";
    else {
      for (const auto& p : expand_suite(s, {}, 0)) std::cout << p.w->name << " " << params_label(p.params) << "\n";
      if (const auto t = suite_max_time_s(s))
        std::cout << "max_time_s " << *t << " (this suite's default for --max-time)\n";
    }
    return 0;
  }
  const gpu_probe gpu = gpu::probe();
  json j = {{"workloads", json::array()}, {"gpus", json::array()}};
  for (const auto& w : all_workloads())
  {
    json cpu = json::array(), params = json::array();
    for (const auto& v : w.cpu_variants) cpu.push_back(v.name);
    for (const auto& p : w.parameters) {
      json pj = {{"name", p.name}, {"help", p.help}};
      if (p.is_int()) pj["range"] = {p.min, p.max};
      if (!p.choices.empty()) pj["choices"] = p.choices;
      params.push_back(pj);
    }
    j["workloads"].push_back({{"name", w.name},
                              {"description", w.description},
                              {"cpu_variants", cpu},
                              {"gpu_variants", w.gpu_variants},
                              {"parameters", params},
                              {"size_parameter", w.size_param}});
  }
  j["suites"] = builtin_suite_names();
  for (const auto& g : gpu.gpus)
    j["gpus"].push_back({{"name", g.name}, {"compute_capability", g.compute_capability}, {"memory_bytes", g.memory_bytes}});
  j["cuda_built"] = gpu.built_with_cuda;
  j["gpu_unavailable_reason"] = gpu.usable ? json(nullptr) : json(gpu.reason);
  // What a run here could use: a container's or CI job's limits included.
  system_info host = collect_host_info(0);
  host.cpu_allowed = cpu_threads_available();
  j["host"] = {{"cpu_model", host.cpu_model},
               {"cpus", host.cpu_cores},
               {"cpus_allowed", host.cpu_allowed},
               {"cpu_quota_cpus", host.cpu_quota > 0 ? json(host.cpu_quota) : json(nullptr)},
               {"memory_bytes", host.memory_bytes},
               {"memory_limit_bytes", host.memory_limit_bytes ? json(host.memory_limit_bytes) : json(nullptr)}};
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "workloads:\n";
  for (const auto& w : all_workloads()) {
    std::cout << "  " << w.name << "  " << w.description << "\n    cpu:";
    for (const auto& v : w.cpu_variants) std::cout << " " << v.name << (v.parallel ? "" : " (1 thread)");
    std::cout << "   gpu:";
    for (const auto& v : w.gpu_variants) std::cout << " " << v;
    std::cout << "\n    parameters:";
    for (const auto& p : w.parameters) {
      std::cout << " " << p.name;
      if (p.is_int()) std::cout << "[" << p.min << ".." << p.max << "]";
      if (!p.choices.empty()) {
        std::cout << "{";
        for (size_t i = 0; i < p.choices.size(); ++i) std::cout << (i ? "|" : "") << p.choices[i];
        std::cout << "}";
      }
    }
    std::cout << "\n";
  }
  std::cout << "suites (accelbench list --suite NAME --json):";
  for (const auto& n : builtin_suite_names()) std::cout << " " << n;
  std::cout << "\n";
  std::cout << "CPU: " << host.cpu_model << ", " << host.cpu_cores << " logical CPUs";
  if (host.cpu_allowed < host.cpu_cores)
    std::cout << ", this process may run on " << host.cpu_allowed << " (affinity mask)";
  if (host.cpu_quota > 0) std::cout << ", a cgroup CPU quota of " << fmt("%.2f", host.cpu_quota) << " CPUs";
  std::cout << "; 'all' threads = " << host.cpu_allowed << "\nhost memory: "
            << format_bytes(double(host.memory_bytes));
  if (host.memory_limit_bytes) std::cout << ", a cgroup limit of " << format_bytes(double(host.memory_limit_bytes));
  std::cout << " (a suite point needing more than 80 % of " << (host.memory_limit_bytes ? "the limit" : "it")
            << " is refused)\n";
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
  std::string workloads, batches, layers;
  std::string threads = "all";
  auto* run = app.add_subcommand("run", "Run the suite: verify, time, and judge the speedup");
  run->add_option("--suite", cfg.suite, "quick, default, full, or a suite file (accelbench list --suite NAME --json)")
      ->capture_default_str();
  run->add_option("--workloads", workloads, "Comma-separated workloads of the suite to run (default: all)");
  run->add_option("--batch-sizes", batches, "MLP batch sizes to sweep (overrides the suite's)");
  run->add_option("--layers", layers, "MLP layer widths, input first (overrides the suite's; default 512,1024,1024,1024,64)");
  run->add_option("--device", cfg.device, "CUDA device index")->check(kInteger)->capture_default_str();
  run->add_option("--out", cfg.out, "JSON report path (written atomically; '' for none)")->capture_default_str();
  run->add_flag("--force", cfg.force, "Overwrite --out (and its sibling formats) when it exists");
  std::string run_formats = "console,json";
  run->add_option("--format", run_formats,
                  "Formats: console,json,csv,md,html,gbench,bench-speedup,junit (others are written beside --out)")
      ->capture_default_str();
  run->add_flag("--require-gpu", cfg.require_gpu, "Exit 1 when no usable GPU is found");
  run->add_flag("--gate", cfg.gate, "Exit 1 when any speedup verdict is 'fail'");
  run->add_option("--seed", cfg.seed, "Seed of every input")->check(kCount)->capture_default_str();
  run->add_option("--min-samples", cfg.rule.min_samples, "Stopping rule: fewest samples")
      ->check(kInteger)
      ->capture_default_str();
  run->add_option("--min-time", cfg.rule.min_time_s, "Stopping rule: least sampled time, seconds")
      ->check(kReal)
      ->capture_default_str();
  run->add_option("--max-noise", cfg.rule.max_noise, "Stopping rule: relative CI half-width of the median")
      ->check(kReal)
      ->capture_default_str();
  run->add_option("--max-time", cfg.rule.max_time_s,
                  "Stopping rule: wall-clock limit per case, seconds; then 'noisy' (a suite may set its own default; "
                  "sampling also stops at " + std::to_string(kMaxSamples) + " samples)")
      ->check(kReal)
      ->capture_default_str();
  run->add_option("--rounds", cfg.rule.rounds,
                  "CPU cases sample in this many rounds, inputs re-allocated between them (1: one round)")
      ->check(kInteger)
      ->capture_default_str();
  run->add_option("--rounds-in", cfg.rounds_in,
                  "child_processes (each CPU round in a fresh process) or this_process")
      ->capture_default_str();
  run->add_option("--target", cfg.target, "Speedup target for the verdict")->check(kReal)->capture_default_str();
  run->add_option("--cpu-threads", threads, "CPU thread counts, e.g. 1,2,4,all: parallel CPU cases run once per count")
      ->capture_default_str();
  run->add_option("--backend", cfg.backend, "auto (GPU, CPU when unusable), gpu (strict) or cpu")
      ->capture_default_str();
  std::string cache = "warm";
  run->add_option("--cache", cache,
                  "warm (calls back to back) or cold (one call per sample, the CPU and GPU caches evicted before each)")
      ->capture_default_str();

  run->add_option("--device-memory-limit", cfg.device_memory_limit,
                  "Refuse device allocations past BYTES (KiB/MiB/GiB) or PCT% of the card");
  run->add_option("--inject-fault", cfg.inject_fault, "Make the GPU fail on purpose: alloc, launch or sync");
  run->add_flag("!--no-fallback", cfg.fallback, "Skip the CPU fallback latency, capacity and cold-start measurements");
  run->add_option("--resume", cfg.resume,
                  "Continue an interrupted run from its partial report (same options, machine and build); "
                  "writes to that report unless --out is given");

  bool list_json = false;
  std::string list_suite;
  auto* list = app.add_subcommand("list", "List workloads, variants, parameters, suites and the GPUs found");
  list->add_flag("--json", list_json, "Print as JSON");
  list->add_option("--suite", list_suite, "Print this suite (built-in name or file) instead");

  std::vector<std::string> report_inputs;
  std::string report_formats = "console", report_out = "-";
  bool report_force = false;
  auto* report_cmd = app.add_subcommand("report", "Re-render saved reports in other formats");
  report_cmd->add_option("reports", report_inputs, "Report JSON files")->required();
  report_cmd->add_option("--format", report_formats, "console,json,csv,md,html,gbench,bench-speedup,junit")
      ->capture_default_str();
  report_cmd->add_option("--out", report_out, "Output file ('-' for stdout)")->capture_default_str();
  report_cmd->add_flag("--force", report_force, "Overwrite --out when it exists");

  std::vector<std::string> cmp_reports;
  std::string cmp_format = "console";
  bool cmp_trend = false;
  compare_options cmp;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Compare two reports case by case (exit 1 past --fail), or many with --trend");
  compare_cmd->add_option("reports", cmp_reports, "BASE.json CANDIDATE.json, or R1.json ... Rn.json with --trend")
      ->required();
  compare_cmd->add_flag("--trend", cmp_trend, "A trend table and chart over all the reports, in the order given");
  compare_cmd->add_option("--alpha", cmp.alpha, "Significance level of the U test")->check(kReal)->capture_default_str();
  compare_cmd->add_option("--noise", cmp.noise, "Changes within +-noise (a fraction, or N%) are never significant")
      ->transform(kShare)
      ->capture_default_str();
  compare_cmd->add_option("--warn", cmp.warn, "Warn on slower cases beyond this fraction (or N%)")
      ->transform(kShare)
      ->capture_default_str();
  compare_cmd->add_option("--fail", cmp.fail, "Exit 1 on slower cases beyond this fraction (or N%)")
      ->transform(kShare)
      ->capture_default_str();
  compare_cmd->add_option("--format", cmp_format, "console, md, json or html")->capture_default_str();

  std::string val_report, val_targets, val_format = "console";
  auto* validate_cmd = app.add_subcommand(
      "validate", "Check a report against per-workload targets (exit 1 on an error or critical violation)");
  validate_cmd->add_option("report", val_report, "Report JSON file")->required();
  validate_cmd->add_option("--targets", val_targets,
                           "Targets file (default: every speedup against the report's own target, severity error)");
  validate_cmd->add_option("--format", val_format, "console, md or json")->capture_default_str();

  bool peaks_json = false;
  int peaks_device = 0;
  std::string peaks_threads = "all";
  auto* peaks = app.add_subcommand("peaks", "Measure this machine's ceilings (memory bandwidth, fp32 FMA rate, PCIe)");
  peaks->add_flag("--json", peaks_json, "Print as JSON");
  peaks->add_option("--device", peaks_device, "CUDA device index")->check(kInteger)->capture_default_str();
  peaks->add_option("--cpu-threads", peaks_threads, "CPU threads: a number or 'all'")->capture_default_str();

  // Hidden verbs: the child-process halves of the fallback and cold-start
  // measurements (bench/fallback_latency.cpp) and of CPU rounds (bench/cpu_round.cpp).
  auto* internal = app.add_subcommand("internal")->group("");
  internal->require_subcommand(1);
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
  std::string in_request;
  auto* cpu_round = internal->add_subcommand("cpu-round");  // bench/cpu_round.hpp
  cpu_round->add_option("--request", in_request);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "accelbench: " << usage_message(e) << "\nRun 'accelbench --help' for usage.\n";
    return kExitUsage;
  }

  try {
    if (*list) return cmd_list(list_json, list_suite);
    if (*peaks) return cmd_peaks(peaks_device, peaks_json, peaks_threads);
    if (*compare_cmd) return cmd_compare(cmp_reports, cmp, cmp_format, cmp_trend);
    if (*validate_cmd) return cmd_validate(val_report, val_targets, val_format);
    if (*report_cmd) return cmd_report(report_inputs, report_formats, report_out, report_force);
    if (*first_request)
      return internal_first_request(json::parse(in_layers).get<std::vector<int64_t>>(), in_batch, in_seed, in_threads,
                                    in_device, in_fault);
    if (*cold_start) return internal_cold_start(in_device);
    if (*cpu_round) return internal_cpu_round(in_request);
    if (!cfg.resume.empty() && !run->count("--out")) cfg.out = cfg.resume;
    if (run->count("--workloads")) {
      cfg.workloads = split(workloads, ',');
      refuse_repeats("--workloads", cfg.workloads);
    }
    cfg.max_time_given = run->count("--max-time") > 0;
    cfg.formats = split(run_formats, ',');
    if (run->count("--batch-sizes")) cfg.batch_sizes = parse_int_list("--batch-sizes", batches);
    if (run->count("--layers")) {
      cfg.layers = parse_int_list("--layers", layers);
      cfg.layers_given = true;
    }
    if (cache != "warm" && cache != "cold") throw input_error("--cache: expected warm or cold, not '" + cache + "'");
    cfg.rule.cold = cache == "cold";
    cfg.cpu_threads.clear();
    // "all" and the same number may meet (the machine decides), and run once.
    const std::vector<std::string> thread_tokens = split(threads, ',');
    refuse_repeats("--cpu-threads", thread_tokens);
    for (const auto& tok : thread_tokens) {
      if (tok == "all") {
        cfg.cpu_threads.push_back(0);
        continue;
      }
      const auto t = parse_int_list("--cpu-threads", tok);
      if (t[0] < 1) throw input_error("--cpu-threads: '" + tok + "' is not 'all' or a positive number");
      cfg.cpu_threads.push_back(int(std::min<int64_t>(t[0], 1 << 20)));
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
    return kExitError;
  }
}

}  // namespace accel
