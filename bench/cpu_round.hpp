// One round of a point's CPU cases: every case samples once under the round's
// share of the stopping rule, the cases taking turns. A round runs either here
// or in a fresh child process (`accelbench internal cpu-round`), which makes
// the point's inputs again from the seed. Why a fresh process: on the
// development VM the rounds within one process agreed to about 1 % while
// whole processes differed by up to 10 % (README "Rounds").
#pragma once
#include <string>
#include <vector>

#include "host_monitor.hpp"
#include "report.hpp"
#include "stopping_rule.hpp"
#include "workload.hpp"

namespace accel {

struct round_case {
  int variant = 0;     // index into workload::cpu_variants
  int threads = 1;
  int iterations = 0;  // calls per sample; 0: the round picks (the first round)
};

struct round_result {
  sampling_result sampling;
  host_activity host;
};

// Samples once under `rule` (common/stopping_rule.hpp), with what the host did meanwhile.
round_result sample_round(const stopping_rule& rule, const timed_batch& run, int iterations = 0);

// In this process, on `pt`. Returns fewer results than cases when interrupted.
std::vector<round_result> sample_cpu_round(workload_point& pt, const std::vector<round_case>& cases,
                                           const stopping_rule& rule);

// In a fresh child process that makes the point again from (workload, params,
// seed). Returns fewer results than cases when interrupted (the child is
// killed); throws std::runtime_error when the child fails. `inputs_s`, when
// given, gets the seconds the child spent making the inputs.
std::vector<round_result> sample_cpu_round_in_child(const std::string& workload, const json& params, uint64_t seed,
                                                    const std::vector<round_case>& cases, const stopping_rule& rule,
                                                    double* inputs_s = nullptr);

// The child's half: reads the request made by sample_cpu_round_in_child,
// prints the results as one JSON line. Exit 0, or 3 with {"error": ...}.
int internal_cpu_round(const std::string& request);

}  // namespace accel
