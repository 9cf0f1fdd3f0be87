#include "cpu_round.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <stdexcept>

#include "caches.hpp"
#include "child_process.hpp"
#include "cpu_threads.hpp"
#include "interrupt.hpp"
#include "timer.hpp"

namespace accel {

namespace {

json rule_json(const stopping_rule& r) {
  return {{"min_samples", r.min_samples}, {"min_time_s", r.min_time_s}, {"max_noise", r.max_noise},
          {"max_time_s", r.max_time_s}, {"cold", r.cold}};
}

stopping_rule rule_from(const json& j) {
  stopping_rule r;
  r.min_samples = j.at("min_samples").get<int>();
  r.min_time_s = j.at("min_time_s").get<double>();
  r.max_noise = j.at("max_noise").get<double>();
  r.max_time_s = j.at("max_time_s").get<double>();
  r.cold = j.at("cold").get<bool>();
  r.rounds = 1;
  return r;
}

json result_json(const round_result& r) {
  return {{"samples_ns", r.sampling.samples_ns},
          {"iterations_per_sample", r.sampling.iterations_per_sample},
          {"converged", r.sampling.converged},
          {"host", host_activity_json(r.host)}};
}

round_result result_from(const json& j) {
  round_result r;
  r.sampling.samples_ns = j.at("samples_ns").get<std::vector<double>>();
  r.sampling.iterations_per_sample = j.at("iterations_per_sample").get<int>();
  r.sampling.converged = j.at("converged").get<bool>();
  r.host = host_activity_from_json(j.at("host"), "host");
  if (r.sampling.samples_ns.empty() || r.sampling.iterations_per_sample < 1)
    throw std::runtime_error("a round without samples");
  return r;
}

}  // namespace

round_result sample_round(const stopping_rule& rule, const timed_batch& run, int iterations) {
  const host_snapshot before = take_host_snapshot();
  round_result r;
  r.sampling = sample_until_stable(rule, run, iterations);
  r.host = activity_between(before, take_host_snapshot());
  return r;
}

std::vector<round_result> sample_cpu_round(workload_point& pt, const std::vector<round_case>& cases,
                                           const stopping_rule& rule) {
  std::vector<round_result> out;
  for (const round_case& c : cases) {
    set_cpu_threads(c.threads);
    round_result r = sample_round(rule, [&](int iterations) {
      if (rule.cold) evict_cpu_caches();
      const auto t0 = host_clock::now();
      for (int i = 0; i < iterations; ++i) pt.run_cpu(c.variant);
      return ns_since(t0);
    }, c.iterations);
    if (interrupted()) break;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<round_result> sample_cpu_round_in_child(const std::string& workload, const json& params, uint64_t seed,
                                                    const std::vector<round_case>& cases, const stopping_rule& rule,
                                                    double* inputs_s) {
  json jc = json::array();
  for (const round_case& c : cases)
    jc.push_back({{"variant", c.variant}, {"threads", c.threads}, {"iterations", c.iterations}});
  const json request = {{"workload", workload}, {"params", params}, {"seed", seed}, {"rule", rule_json(rule)},
                        {"cases", jc}};
  const child_result c = run_self({"internal", "cpu-round", "--request", request.dump()});
  if (c.interrupted || interrupted()) return {};
  const std::string why = "a CPU round in a child process (accelbench internal cpu-round) failed: ";
  if (!json::accept(c.out))
    throw std::runtime_error(why + (c.killed_by ? "killed by signal " + std::to_string(c.killed_by)
                                                : "exit code " + std::to_string(c.exit_code)) +
                             ", no result");
  const json j = json::parse(c.out);
  if (j.contains("error")) throw std::runtime_error(why + j["error"].get<std::string>());
  std::vector<round_result> out;
  try {
    for (const json& r : j.at("cases")) out.push_back(result_from(r));
  } catch (const std::exception& e) {
    throw std::runtime_error(why + "malformed result: " + e.what());
  }
  if (out.size() != cases.size()) throw std::runtime_error(why + "results for " + std::to_string(out.size()) +
                                                           " of " + std::to_string(cases.size()) + " cases");
  if (inputs_s && j.contains("inputs_s") && j["inputs_s"].is_number())
    *inputs_s = std::max(j["inputs_s"].get<double>(), 0.0);
  return out;
}

int internal_cpu_round(const std::string& request) {
  // The parent's end: a parent that is gone takes its rounds with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  try {
    const json j = json::parse(request);
    const workload* w = find_workload(j.at("workload").get<std::string>());
    if (!w) throw std::runtime_error("unknown workload " + j["workload"].dump());
    std::vector<round_case> cases;
    for (const json& c : j.at("cases"))
      cases.push_back({c.at("variant").get<int>(), c.at("threads").get<int>(), c.at("iterations").get<int>()});
    for (const round_case& c : cases)
      if (c.variant < 0 || size_t(c.variant) >= w->cpu_variants.size())
        throw std::runtime_error("no CPU variant " + std::to_string(c.variant) + " in " + w->name);
    const auto t0 = host_clock::now();
    const auto pt = w->make_point(j.at("params"), j.at("seed").get<uint64_t>());
    const double inputs_s = ns_since(t0) * 1e-9;
    json results = json::array();
    for (const round_result& r : sample_cpu_round(*pt, cases, rule_from(j.at("rule")))) results.push_back(result_json(r));
    std::cout << json{{"cases", results}, {"inputs_s", inputs_s}}.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cout << json{{"error", e.what()}}.dump() << "\n";
    return 3;
  }
}

}  // namespace accel
