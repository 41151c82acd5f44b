// A child process for tests: fork/exec with captured stdout, stderr to a file,
// signals, and a deadline on every wait. The child is killed with SIGKILL when
// the handle dies, and by the kernel when the test process dies.
#pragma once

#include "tests/support/wait.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace nexus::test {

/// How to start a child process.
struct process_options {
  /// Path of the executable (no PATH lookup).
  std::string program;
  /// Arguments after argv[0].
  std::vector<std::string> args;
  /// Variables added to (or replacing in) the inherited environment.
  std::vector<std::pair<std::string, std::string>> env;
  /// Inherited variables whose names start with one of these are dropped.
  std::vector<std::string> unset_prefixes;
  /// Read the child's stdout through a pipe (else it is inherited).
  bool capture_stdout = false;
  /// Append the child's stderr to this file (empty: inherited).
  std::string stderr_path;
};

/// A running (or finished, not yet destroyed) child process.
class child_process {
public:
  /// Starts the child; throws `std::runtime_error` when fork or pipe fails.
  explicit child_process(process_options opts);
  /// Kills the child with SIGKILL if it still runs, then reaps it.
  ~child_process();

  child_process(child_process const&) = delete;
  child_process& operator=(child_process const&) = delete;

  /// Process id of the child.
  pid_t pid() const noexcept { return pid_; }

  /// True until the child has exited and been reaped by `wait_exit`.
  bool running();

  /// Sends `sig` to the child (no-op once it has been reaped).
  void send_signal(int sig);

  /// Waits for the child to exit. Returns its exit code (128 + signal number
  /// when a signal ended it), or nullopt when `deadline` passed first.
  std::optional<int> wait_exit(millis deadline);

  /// Next line (without '\n') of the child's captured stdout, or nullopt on
  /// end of file or when `deadline` passed first.
  std::optional<std::string> read_stdout_line(millis deadline);

private:
  /// Reaps the child without blocking; true when it has exited.
  bool try_reap();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int pidfd_ = -1;
  std::string stdout_buf_;
  std::optional<int> exit_code_;
};

} // namespace nexus::test
