#include "runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>

#include "caches.hpp"
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

// Adds the wall time from its making to the end of its scope to
// `phases[name]`, in seconds (the report's run_time_s.cases).
class phase_timer {
 public:
  phase_timer(json& phases, const char* name) : phases_(phases), name_(name) {}
  phase_timer(const phase_timer&) = delete;
  phase_timer& operator=(const phase_timer&) = delete;
  ~phase_timer() { phases_[name_] = phases_.value(name_, 0.0) + ns_since(t0_) * 1e-9 - moved_s_; }
  // Counts `s` seconds of this span under phase `other` instead.
  void move_to(const char* other, double s) {
    moved_s_ += s;
    phases_[other] = phases_.value(other, 0.0) + s;
  }

 private:
  json& phases_;
  const char* name_;
  double moved_s_ = 0;
  host_clock::time_point t0_ = host_clock::now();
};

// Seconds inside the timed regions of a round (samples x calls per sample).
double timed_seconds(const round_result& r) {
  double ns = 0;
  for (double x : r.sampling.samples_ns) ns += x;
  return ns * r.sampling.iterations_per_sample * 1e-9;
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
                     const std::string& pci_bus_id, double& timed_s) {
  if (!pci_bus_id.empty()) c.gpu_before = nvml::instance().read(pci_bus_id);
  const round_result r = sample_round(rule, run);
  if (interrupted()) return false;
  if (!pci_bus_id.empty()) {
    c.gpu_after = nvml::instance().read(pci_bus_id);
    c.throttled = throttled_between(c.gpu_before, c.gpu_after);
  }
  timed_s += timed_seconds(r);
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

struct cpu_case {
  case_result c;
  int variant;  // index into workload::cpu_variants
};

// One speedup of a point: measured from an "ok" GPU case against the CPU
// baseline, again whenever the CPU rounds grow, or fixed (not measured, and why).
struct speedup_slot {
  int gpu_case = -1;  // index into point_state::gpu_cases; -1: `fixed`
  speedup_result fixed;
};

// A point across the passes over the suite.
struct point_state {
  const workload* w = nullptr;
  json params;
  std::vector<int> variants;     // the CPU variants that run (suite_point::cpu_variants, all when that is empty)
  bool spread = false;           // one round per pass, each in a child process; else every round in pass 1
  bool finished_before = false;  // finished in the resumed report: kept as it was
  int rounds_done = 0;           // 0: not started
  std::vector<cpu_case> cpu;
  std::vector<case_result> gpu_cases;
  std::vector<speedup_slot> slots;
  // What the report shows of it, rebuilt whenever it changes.
  std::vector<case_result> cases_out;
  std::vector<speedup_result> speedups_out;
};

// The speedup's CPU side: the first CPU variant (the reference), on all
// threads unless it is single-threaded.
bool is_baseline(const workload& w, int variant, int threads, int all_threads) {
  return variant == 0 && (threads == all_threads || !w.cpu_variants[0].parallel);
}

// Summarizes the point's cases and measures its speedups from the rounds so far.
void refresh(point_state& st, int all_threads, double target) {
  st.cases_out.clear();
  st.speedups_out.clear();
  case_result baseline;
  for (const auto& [c, v] : st.cpu) {
    case_result out = c;
    summarize_case(out);
    out.memory = case_memory{0, std::nullopt, std::nullopt, host_peak_rss_bytes()};
    if (is_baseline(*st.w, v, out.threads, all_threads)) baseline = out;
    st.cases_out.push_back(std::move(out));
  }
  st.cases_out.insert(st.cases_out.end(), st.gpu_cases.begin(), st.gpu_cases.end());
  for (const speedup_slot& s : st.slots)
    st.speedups_out.push_back(s.gpu_case < 0 ? s.fixed
                                             : measure_speedup(baseline, st.gpu_cases[size_t(s.gpu_case)], target));
}

// A point the resumed report left unfinished: its CPU cases, GPU cases and
// speedups as they were, when they are what this run would have made after
// the same rounds; false otherwise (the point starts again).
bool take_unfinished(point_state& st, const std::vector<case_result>& cases,
                     const std::vector<speedup_result>& speedups, const std::vector<int>& thread_counts, int rounds) {
  if (!st.spread) return false;
  size_t k = 0;
  for (const auto& c : cases) {
    if (c.backend == "gpu") {
      st.gpu_cases.push_back(c);
      continue;
    }
    int v = -1;
    for (size_t i = 0; i < st.w->cpu_variants.size(); ++i)
      if (st.w->cpu_variants[i].name == c.variant) v = int(i);
    const size_t r = std::max<size_t>(c.round_sizes.size(), 1);
    const bool chosen = std::find(st.variants.begin(), st.variants.end(), v) != st.variants.end();
    if (!chosen || (k != 0 && r != k) || c.rounds_in != "child_processes") return false;
    k = r;
    st.cpu.push_back({c, v});
  }
  size_t expected = 0;
  for (int v : st.variants) expected += st.w->cpu_variants[size_t(v)].parallel ? thread_counts.size() : 1;
  if (st.cpu.size() != expected || k < 1 || k >= size_t(rounds)) return false;
  for (const auto& s : speedups) {
    speedup_slot slot;
    if (s.verdict == "not_measured") {
      slot.fixed = s;
    } else {
      for (size_t i = 0; i < st.gpu_cases.size(); ++i)
        if (const case_result& g = st.gpu_cases[i]; g.variant == s.variant && g.timing == s.timing && g.status == "ok")
          slot.gpu_case = int(i);
      if (slot.gpu_case < 0) return false;
    }
    st.slots.push_back(slot);
  }
  st.rounds_done = int(k);
  return true;
}

// Runs the points of one suite in passes (see run_cases).
class suite_runner {
 public:
  suite_runner(const run_config& cfg, const gpu_probe& gpu, report& rep, const run_hooks& hooks)
      : cfg_(cfg),
        rep_(rep),
        hooks_(hooks),
        no_gpu_(why_no_gpu(cfg, gpu)),
        thread_counts_(cpu_thread_counts(cfg)),
        all_threads_(thread_counts_.back()),
        rounds_(std::max(cfg.rule.rounds, 1)),
        round_rule_(round_share(cfg.rule)),
        pci_bus_id_(gpu.usable && size_t(cfg.device) < gpu.gpus.size() ? gpu.gpus[size_t(cfg.device)].pci_bus_id
                                                                        : std::string()) {}

  void run(const std::vector<suite_point>& points) {
    for (const suite_point& p : points) states_.push_back(resumed_state(p));
    // Pass 1 makes each point, checks and times it (GPU cases in one round)
    // with its first CPU round, or all of them where its rounds are not
    // spread; pass k > 1 adds the spread points' round k, each in a fresh
    // process, so a point's rounds fall a whole pass apart (README "Rounds").
    try {
      for (int pass = 1; pass <= rounds_; ++pass) {
        for (point_state& st : states_) {
          if (st.finished_before || st.rounds_done >= pass) continue;
          if (!(st.rounds_done == 0 ? start_point(st) : next_round(st))) return publish();  // interrupted
          refresh(st, all_threads_, cfg_.target);
          checkpoint(false);
        }
      }
    } catch (...) {  // a CPU round's child killed, host memory exhausted: `rep` keeps what finished
      publish();
      throw;
    }
    checkpoint(true);
  }

 private:
  // A point of the suite with what the resumed report (already in `rep_`) holds of it.
  point_state resumed_state(const suite_point& p) const {
    const workload* w = p.w;
    const json& params = p.params;
    point_state st;
    st.w = w;
    st.params = params;
    st.variants = p.cpu_variants;
    if (st.variants.empty())
      for (size_t v = 0; v < w->cpu_variants.size(); ++v) st.variants.push_back(int(v));
    st.spread = w->host_bytes(params) <= kRemakeMaxBytes && cfg_.rounds_in == "child_processes";
    const std::string key = point_key(w->name, params);
    std::vector<case_result> cases;
    std::vector<speedup_result> speedups;
    for (const auto& c : rep_.cases)
      if (point_key(c.workload, c.params) == key) cases.push_back(c);
    for (const auto& s : rep_.speedups)
      if (point_key(s.workload, s.params) == key) speedups.push_back(s);
    for (const auto& done : rep_.completed_points)
      st.finished_before |= point_key(done["workload"].get<std::string>(), done["params"]) == key;
    if (st.finished_before) {
      st.cases_out = cases;
      st.speedups_out = speedups;
      st.rounds_done = rounds_;
    } else if (!cases.empty()) {
      point_state unfinished = st;
      if (take_unfinished(unfinished, cases, speedups, thread_counts_, rounds_)) {
        refresh(unfinished, all_threads_, cfg_.target);
        return unfinished;
      }
    }
    return st;
  }

  // The report: every started point, in suite order.
  void publish() {
    // What no phase took (summaries, progress lines): so the phases add up to the step.
    json phases = phases_;
    double named_s = 0;
    for (const auto& [k, v] : phases_.items()) named_s += v.get<double>();
    phases["other"] = std::max(ns_since(started_) * 1e-9 - named_s, 0.0);
    rep_.run_time_s["cases"] = phases;
    rep_.run_time_s["timed_samples"] = timed_s_;
    rep_.cases.clear();
    rep_.speedups.clear();
    rep_.completed_points = json::array();
    for (const auto& st : states_) {
      if (st.rounds_done == 0) continue;
      rep_.cases.insert(rep_.cases.end(), st.cases_out.begin(), st.cases_out.end());
      rep_.speedups.insert(rep_.speedups.end(), st.speedups_out.begin(), st.speedups_out.end());
      if (st.rounds_done >= rounds_)
        rep_.completed_points.push_back({{"workload", st.w->name}, {"params", st.params}});
    }
  }

  // Publishes the report and hands it to the checkpoint hook. Copying every
  // case and writing the whole file after every point of every pass would
  // cost more than the rounds on a large suite: at most every
  // kCheckpointEveryS (the first point always), and at the end (`last`).
  void checkpoint(bool last) {
    constexpr double kCheckpointEveryS = 2.0;
    const bool due = hooks_.checkpoint && (last || ns_since(last_checkpoint_) >= kCheckpointEveryS * 1e9);
    if (!due && !last) return;
    if (!due) return publish();
    phase_timer t(phases_, "checkpoints");
    publish();
    hooks_.checkpoint(rep_);
    last_checkpoint_ = host_clock::now();
  }

  static std::string label(const point_state& st) { return st.w->name + " " + params_label(st.params); }

  // Pass 1: makes the point, runs the reference, checks every CPU variant,
  // samples its first CPU round (all of them when not spread) and its GPU
  // cases. False when interrupted (the point is left unstarted).
  bool start_point(point_state& st) {
    const workload& w = *st.w;
    if (hooks_.progress) hooks_.progress(label(st) + " cpu");
    auto checks = std::make_optional<phase_timer>(phases_, "inputs_and_checks");
    auto pt = w.make_point(st.params, cfg_.seed);
    set_cpu_threads(all_threads_);
    pt->run_cpu(0);  // the reference output every other result is checked against
    pt->keep_reference();
    if (interrupted()) return false;
    // Every CPU case of the point, checked on the first round's inputs.
    std::vector<cpu_case> cpu_cases;
    for (const int v : st.variants) {
      const cpu_variant& cv = w.cpu_variants[size_t(v)];
      for (int threads : cv.parallel ? thread_counts_ : std::vector<int>{1}) {
        set_cpu_threads(threads);
        case_result c = new_case(w, st.params, *pt, "cpu", cv.name, "cpu");
        c.threads = threads;
        pt->run_cpu(int(v));
        c.verification = pt->check(pt->cpu_output());
        c.status = c.verification->passed ? "ok" : "verify_failed";
        cpu_cases.push_back({c, int(v)});
      }
    }
    checks.reset();
    const int rounds_now = st.spread ? 1 : rounds_;
    for (int round = 0; round < rounds_now; ++round)
      if (!cpu_round(st, cpu_cases, round, &pt)) return false;
    set_cpu_threads(all_threads_);
    if (rounds_now > 1 && w.host_bytes(st.params) <= kRemakeMaxBytes) {  // re-made inputs: check the GPU against them
      phase_timer t(phases_, "inputs_and_checks");
      pt->run_cpu(0);
      pt->keep_reference();
    }
    std::string cpu_status = "ok";
    for (const auto& [c, v] : cpu_cases)
      if (is_baseline(w, v, c.threads, all_threads_)) cpu_status = c.status;
    std::vector<case_result> gpu_cases;
    std::vector<speedup_slot> slots;
    if (!time_gpu_variants(st, *pt, cpu_status, gpu_cases, slots)) return false;
    st.cpu = std::move(cpu_cases);
    st.gpu_cases = std::move(gpu_cases);
    st.slots = std::move(slots);
    st.rounds_done = rounds_now;
    return true;
  }

  // A later pass: one more CPU round in a child process. False when
  // interrupted (the point keeps the rounds it had).
  bool next_round(point_state& st) {
    std::vector<cpu_case> cases = st.cpu;
    if (!cpu_round(st, cases, st.rounds_done, nullptr)) return false;
    st.cpu = std::move(cases);
    ++st.rounds_done;
    return true;
  }

  // One round of every CPU case of the point: in a child process when
  // spread, else here on `*pt`, made again from the seed after the first.
  bool cpu_round(const point_state& st, std::vector<cpu_case>& cases, int round,
                 std::unique_ptr<workload_point>* pt) {
    const workload& w = *st.w;
    if (hooks_.progress)
      hooks_.progress(label(st) + " cpu round " + std::to_string(round + 1) + "/" + std::to_string(rounds_) +
                      (st.spread ? " (child process)" : ""));
    std::vector<round_case> todo;
    for (const auto& [c, v] : cases)  // later rounds time the batches the first picked
      todo.push_back({v, c.threads, c.round_sizes.empty() ? 0 : c.iterations_per_sample});
    std::vector<round_result> done;
    phase_timer t(phases_, st.spread ? "cpu_rounds_in_child_processes" : "cpu_rounds_here");
    if (st.spread) {
      double inputs_s = 0;
      done = sample_cpu_round_in_child(w.name, st.params, cfg_.seed, todo, round_rule_, &inputs_s);
      t.move_to("inputs_in_child_processes", inputs_s);
    } else {
      if (round > 0 && w.host_bytes(st.params) <= kRemakeMaxBytes) {
        // Made while the last round's point still holds its memory (the
        // assignment frees it after), after a spacer of random size:
        // otherwise the allocator hands back the same addresses and every
        // round sees the same placement.
        rng r(derive_seed(cfg_.seed, 0x5ACE0000u + uint64_t(round)));
        std::vector<char> spacer(64 * (1 + r.below(1024)));
        const auto t0 = host_clock::now();
        *pt = w.make_point(st.params, cfg_.seed);
        t.move_to("inputs_and_checks", ns_since(t0) * 1e-9);
      }
      done = sample_cpu_round(**pt, todo, round_rule_);
    }
    if (done.size() != cases.size()) return false;
    for (size_t i = 0; i < done.size(); ++i) {
      timed_s_ += timed_seconds(done[i]);
      add_round(cases[i].c, done[i]);
      cases[i].c.rounds_in = st.spread ? "child_processes" : "this_process";
    }
    return true;
  }

  // Verifies and times every GPU variant of the point, kernel and end to
  // end, and says which speedups they give. False when interrupted.
  bool time_gpu_variants(const point_state& st, workload_point& pt, const std::string& cpu_status,
                         std::vector<case_result>& gpu_cases, std::vector<speedup_slot>& slots) {
    const workload& w = *st.w;
    const json& params = st.params;
    const char* timings[] = {"kernel", "end_to_end"};
    const auto fixed = [&](const std::string& variant, const char* timing, const std::string& reason) {
      speedup_slot s;
      s.fixed = not_measured(w.name, params, variant, timing, cfg_.target, reason);
      slots.push_back(s);
    };
    for (const auto& variant : w.gpu_variants) {
      if (!no_gpu_.empty()) {
        for (const char* t : timings) fixed(variant, t, no_gpu_);
        continue;
      }
      if (cpu_status != "ok") {
        for (const char* t : timings) fixed(variant, t, "the CPU reference failed its own check");
        continue;
      }
      std::unique_ptr<device_run> run;
      verification v;
      case_memory mem;
      device_memory().reset_peak();
      auto setup = std::make_optional<phase_timer>(phases_, "gpu_setup_and_verify");
      mem.device_used_before = device_used_bytes(cfg_.device);
      try {
        if (hooks_.progress) hooks_.progress(label(st) + " gpu/" + variant + " verify");
        run = pt.make_gpu(variant, cfg_.device);
        mem.device_used_after = device_used_bytes(cfg_.device);
        run->run_once();
        v = pt.check({run->output(), run->output_bytes()});
        run->set_cold(cfg_.rule.cold);
      } catch (const gpu_error& e) {
        for (const char* t : timings) {
          case_result c = new_case(w, params, pt, "gpu", variant, t);
          c.status = "error";
          c.error = e.what();
          c.memory = mem;
          c.memory->device_peak_bytes = device_memory().peak_bytes();
          gpu_cases.push_back(c);
          fixed(variant, t, std::string("GPU error: ") + e.what());
        }
        note_context_loss(e, st, variant);
        continue;
      }
      setup.reset();
      for (const char* t : timings) {
        if (!no_gpu_.empty()) {  // lost with the other timing
          fixed(variant, t, no_gpu_);
          continue;
        }
        case_result c = new_case(w, params, pt, "gpu", variant, t);
        c.verification = v;
        c.status = v.passed ? "ok" : "verify_failed";
        try {
          if (hooks_.progress) hooks_.progress(label(st) + " gpu/" + variant + " " + t);
          // One round: the device buffers are made once per variant.
          const bool kernel = std::string(t) == "kernel";
          phase_timer sampling(phases_, "gpu_sampling");
          if (!sample_gpu_case(c, cfg_.rule, [&](int iterations) {
                if (kernel) return run->time_kernel_ns(iterations);
                // Cold end to end: the host input comes from memory too.
                if (cfg_.rule.cold) evict_cpu_caches();
                return run->time_end_to_end_ns(iterations);
              }, pci_bus_id_, timed_s_))
            return false;
          summarize_case(c);
        } catch (const gpu_error& e) {
          c.status = "error";
          c.error = e.what();
          c.samples_ns.clear();
          c.round_sizes.clear();
          note_context_loss(e, st, variant);
        }
        c.memory = mem;
        c.memory->device_peak_bytes = device_memory().peak_bytes();
        c.memory->host_peak_rss_bytes = host_peak_rss_bytes();
        gpu_cases.push_back(c);
        if (c.status == "ok") {
          speedup_slot s;
          s.gpu_case = int(gpu_cases.size() - 1);
          slots.push_back(s);
        } else if (c.status == "verify_failed") {
          fixed(variant, t, "verification failed: " + v.first_mismatch + " (" + std::to_string(v.mismatches) +
                                " mismatches)");
        } else {
          fixed(variant, t, "GPU error: " + c.error);
        }
      }
    }
    return true;
  }

  // A sticky error poisons the CUDA context: every later GPU call in this
  // process would fail the same way, so the GPU cases after it are not
  // measured, with this reason, and the report warns.
  void note_context_loss(const gpu_error& e, const point_state& st, const std::string& variant) {
    if (!e.context_lost || !no_gpu_.empty()) return;
    no_gpu_ = "GPU context lost at " + label(st) + " gpu/" + variant + " (" + e.what() + ")";
    rep_.warnings.push_back(no_gpu_ + "; the GPU cases after it were not measured");
  }

  const run_config& cfg_;
  report& rep_;
  const run_hooks& hooks_;
  std::string no_gpu_;  // why GPU cases are not measured ("" while the GPU is usable)
  const std::vector<int> thread_counts_;
  const int all_threads_;
  const int rounds_;
  const stopping_rule round_rule_;
  const std::string pci_bus_id_;
  std::vector<point_state> states_;
  const host_clock::time_point started_ = host_clock::now();
  json phases_ = json::object();  // run_time_s.cases
  double timed_s_ = 0;            // run_time_s.timed_samples
  host_clock::time_point last_checkpoint_ = host_clock::now() - std::chrono::hours(1);
};

}  // namespace

void run_cases(const run_config& cfg, const std::vector<suite_point>& points, const gpu_probe& gpu, report& rep,
               const run_hooks& hooks) {
  suite_runner(cfg, gpu, rep, hooks).run(points);
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
