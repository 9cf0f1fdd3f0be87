#include "child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <climits>
#include <cstring>
#include <stdexcept>

#include "interrupt.hpp"

extern char** environ;

namespace accel {

child_result run_self(const std::vector<std::string>& args) {
  // The child starts from /proc/self/exe itself, not from the path it names:
  // that link reaches this process's own image even where a rebuild has
  // replaced or deleted the file since this process started, so a run spans
  // one build and does not stop midway. argv[0] keeps the name.
  char exe[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) throw std::runtime_error("cannot find this executable (/proc/self/exe)");
  exe[n] = '\0';
  std::vector<char*> argv{exe};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  child_result r;
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error(std::string("cannot start a child accelbench: ") + std::strerror(rc));
  }
  char buf[4096];
  ssize_t got;
  while ((got = ::read(fds[0], buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR)) {
    if (got > 0) r.out.append(buf, size_t(got));
    if (got < 0 && interrupted()) {  // SIGINT/SIGTERM reached this process: the child's work is abandoned
      ::kill(pid, SIGKILL);
      r.interrupted = true;
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.killed_by = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return r;
}

}  // namespace accel
