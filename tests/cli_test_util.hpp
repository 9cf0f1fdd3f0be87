// Running the accelbench binary from a test: exit code and output together.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace accel::cli_test {

struct cli_result {
  int code;            // exit status; -1 when killed by a signal (a crash)
  std::string output;  // stdout and stderr together
};

inline cli_result run_cli(const std::string& args) {
  const std::string cmd = std::string(ACCELBENCH_BIN) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A per-process path in the temp folder.
inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("accel_cli_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace accel::cli_test
