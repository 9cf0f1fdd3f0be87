// Runs this same executable in a fresh child process: what "the first request
// after start-up" and GPU cold start need, since both happen once per process.
#pragma once
#include <string>
#include <vector>

namespace accel {

struct child_result {
  int exit_code = -1;
  std::string out;  // the child's stdout
};

// Runs /proc/self/exe with `args`; stderr is discarded.
child_result run_self(const std::vector<std::string>& args);

}  // namespace accel
