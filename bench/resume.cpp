#include "resume.hpp"

#include <set>

namespace accel {

namespace {

std::string gpu_names(const system_info& s) {
  std::string names;
  for (const auto& g : s.gpus) {
    if (!names.empty()) names += ", ";
    names += g.name;
  }
  return names.empty() ? "none" : names;
}

}  // namespace

void check_resumable(const report& partial, const report& fresh) {
  const auto refuse = [](const std::string& what, const std::string& was, const std::string& now) {
    throw input_error("--resume: " + what + " differs (partial report: " + was + ", this run: " + now +
                      "); start a new run instead");
  };
  if (partial.config.empty()) throw input_error("--resume: the partial report has no config");
  for (const auto& [k, v] : fresh.config.items()) {
    if (k == "out" || k == "formats" || k == "gate" || k == "require_gpu") continue;
    if (!partial.config.contains(k)) refuse("config '" + k + "'", "absent", v.dump());
    if (partial.config[k] != v) refuse("config '" + k + "'", partial.config[k].dump(), v.dump());
  }
  if (partial.system.cpu_model != fresh.system.cpu_model) refuse("the CPU", partial.system.cpu_model, fresh.system.cpu_model);
  if (partial.system.cpu_cores != fresh.system.cpu_cores)
    refuse("the CPU count", std::to_string(partial.system.cpu_cores), std::to_string(fresh.system.cpu_cores));
  // "all" threads follows the affinity: another mask would mix thread counts.
  if (partial.system.cpu_allowed && fresh.system.cpu_allowed && partial.system.cpu_allowed != fresh.system.cpu_allowed)
    refuse("the CPUs this process may run on", std::to_string(partial.system.cpu_allowed),
           std::to_string(fresh.system.cpu_allowed));
  if (gpu_names(partial.system) != gpu_names(fresh.system))
    refuse("the GPUs", gpu_names(partial.system), gpu_names(fresh.system));
  if (partial.system.cuda_built != fresh.system.cuda_built)
    refuse("the build (CUDA)", partial.system.cuda_built ? "with CUDA" : "without CUDA",
           fresh.system.cuda_built ? "with CUDA" : "without CUDA");
  if (partial.tool_version != fresh.tool_version || partial.git_sha != fresh.git_sha)
    refuse("the accelbench build", partial.tool_version + " " + partial.git_sha, fresh.tool_version + " " + fresh.git_sha);
  // Two "-dirty" builds of one commit share a name; the code digests tell them apart.
  if (partial.sources != fresh.sources) {
    std::string differing;
    for (const auto& k : differing_sources(partial.sources, fresh.sources))
      differing += (differing.empty() ? "" : ", ") + k;
    refuse("the code (tool.sources)", "other code for " + differing, "this build's");
  }
}

size_t resume_from(const report& partial, const std::vector<suite_point>& points, report& rep) {
  std::set<std::string> in_suite, done;
  for (const auto& p : points) in_suite.insert(point_key(p.w->name, p.params));
  for (const auto& p : partial.completed_points) {
    const std::string key = point_key(p["workload"].get<std::string>(), p["params"]);
    if (in_suite.count(key) && done.insert(key).second) rep.completed_points.push_back(p);
  }
  for (const auto& c : partial.cases)
    if (in_suite.count(point_key(c.workload, c.params))) rep.cases.push_back(c);
  for (const auto& s : partial.speedups)
    if (in_suite.count(point_key(s.workload, s.params))) rep.speedups.push_back(s);
  rep.system.peaks = partial.system.peaks;  // the same ceilings for every case of the run
  rep.created_utc = partial.created_utc;
  return done.size();
}

}  // namespace accel
