// Runs this same executable in a fresh child process: what "the first request
// after start-up" and GPU cold start need, since both happen once per process,
// and CPU rounds, whose speed depends on the process they run in.
#pragma once
#include <string>
#include <vector>

namespace accel {

struct child_result {
  int exit_code = -1;     // -1 when it did not exit by itself
  int killed_by = 0;      // the signal that ended it, if one did (9: SIGKILL, e.g. the out-of-memory killer)
  std::string out;  // the child's stdout
  bool interrupted = false;  // SIGINT/SIGTERM here: the child was killed
};

// Runs /proc/self/exe (this process's own build, even where the file has
// been rebuilt since) with `args`; stderr is discarded. An interrupt of this
// process (common/interrupt.hpp) kills the child.
child_result run_self(const std::vector<std::string>& args);

}  // namespace accel
