// Running the accelbench binary from a test: exit code and output together.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

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

// A folder of this test process's own in the temp folder, removed with
// everything in it when the process ends (ctest runs each TEST in a process
// of its own), so runs leave nothing behind.
class temp_folder {
 public:
  temp_folder()
      : path_(std::filesystem::temp_directory_path() / ("accel_cli_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~temp_folder() {
    std::error_code ec;  // best effort: never throw from a destructor
    std::filesystem::remove_all(path_, ec);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A path in that folder.
inline std::string temp_path(const std::string& name) {
  static const temp_folder folder;
  return (folder.path() / name).string();
}

}  // namespace accel::cli_test
