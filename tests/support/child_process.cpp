// fork/exec, pipes and deadline waits behind `child_process`. Everything the
// child needs (argv, envp, file descriptors) is prepared before fork so the
// child only calls async-signal-safe functions.
#include "tests/support/child_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nexus::test {

namespace {

/// Throws `std::runtime_error` naming `what` and `errno`.
[[noreturn]] void throw_errno(std::string const& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

/// The inherited environment without `opts.unset_prefixes`, with
/// `opts.env` added or replaced.
std::vector<std::string> make_env(process_options const& opts) {
  auto const& extra = opts.env;
  std::vector<std::string> result;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry{*e};
    bool replaced = false;
    for (auto const& [name, value] : extra)
      replaced = replaced || entry.rfind(name + "=", 0) == 0;
    for (auto const& prefix : opts.unset_prefixes)
      replaced = replaced || entry.rfind(prefix, 0) == 0;
    if (!replaced)
      result.push_back(std::move(entry));
  }
  for (auto const& [name, value] : extra)
    result.push_back(name + "=" + value);
  return result;
}

/// Pointers into `strings`, terminated by nullptr (for execve).
std::vector<char*> as_argv(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings)
    result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

/// Milliseconds left until `end`, never negative.
int remaining_ms(std::chrono::steady_clock::time_point end) {
  auto left = std::chrono::duration_cast<millis>(
    end - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

/// Runs in the child after fork: wires fds and execs. Never returns.
[[noreturn]] void exec_child(int in_fd, int out_fd, int err_fd, pid_t parent,
                             std::vector<char*> const& argv,
                             std::vector<char*> const& envp) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(126);
  dup2(in_fd, 0);
  if (out_fd >= 0)
    dup2(out_fd, 1);
  if (err_fd >= 0)
    dup2(err_fd, 2);
  close_range(3, ~0U, 0);
  execve(argv[0], argv.data(), envp.data());
  _exit(127);
}

} // namespace

child_process::child_process(process_options opts) {
  std::vector<std::string> arg_strings{opts.program};
  arg_strings.insert(arg_strings.end(), opts.args.begin(), opts.args.end());
  auto env_strings = make_env(opts);
  auto argv = as_argv(arg_strings);
  auto envp = as_argv(env_strings);
  int pipe_fds[2] = {-1, -1};
  if (opts.capture_stdout && pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_fd = -1;
  if (!opts.stderr_path.empty())
    err_fd = open(opts.stderr_path.c_str(),
                  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0)
    exec_child(in_fd, pipe_fds[1], err_fd, parent, argv, envp);
  int fork_errno = errno;
  close(in_fd);
  if (err_fd >= 0)
    close(err_fd);
  if (pipe_fds[1] >= 0)
    close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  errno = fork_errno;
  if (pid_ < 0)
    throw_errno("fork " + opts.program);
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

child_process::~child_process() {
  if (running()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0)
    close(stdout_fd_);
  if (pidfd_ >= 0)
    close(pidfd_);
}

bool child_process::try_reap() {
  if (exit_code_)
    return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_)
    return false;
  if (WIFEXITED(status))
    exit_code_ = WEXITSTATUS(status);
  else
    exit_code_ = 128 + WTERMSIG(status);
  return true;
}

bool child_process::running() {
  return !try_reap();
}

void child_process::send_signal(int sig) {
  if (running())
    kill(pid_, sig);
}

std::optional<int> child_process::wait_exit(millis deadline) {
  auto const end = std::chrono::steady_clock::now() + deadline;
  if (pidfd_ >= 0) {
    // The pidfd becomes readable when the child exits.
    while (!try_reap() && remaining_ms(end) > 0) {
      pollfd p{pidfd_, POLLIN, 0};
      poll(&p, 1, remaining_ms(end));
    }
  } else {
    poll_until([this] { return try_reap(); }, deadline, 10ms);
  }
  try_reap();
  return exit_code_;
}

std::optional<std::string> child_process::read_stdout_line(millis deadline) {
  auto const end = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (auto pos = stdout_buf_.find('\n'); pos != std::string::npos) {
      auto line = stdout_buf_.substr(0, pos);
      stdout_buf_.erase(0, pos + 1);
      return line;
    }
    if (stdout_fd_ < 0 || remaining_ms(end) == 0)
      return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(end)) <= 0)
      continue;
    char chunk[4096];
    auto n = read(stdout_fd_, chunk, sizeof chunk);
    if (n <= 0 && !(n < 0 && errno == EINTR))
      return std::nullopt;
    if (n > 0)
      stdout_buf_.append(chunk, static_cast<std::size_t>(n));
  }
}

} // namespace nexus::test
