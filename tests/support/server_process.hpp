// The real nexus-server binary under test: started on ephemeral loopback
// ports with a fresh data directory, its stderr kept in a file, stopped with
// SIGKILL by the destructor if a test did not stop it.
#pragma once

#include "tests/support/child_process.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

/// Command-line choices for one server run.
struct server_options {
  /// Value of `--log-level`.
  std::string log_level;
  /// Further arguments, e.g. {"--drain-timeout-ms", "3000"}.
  std::vector<std::string> extra_args;
  /// How long to wait for the `listening` line.
  millis startup_deadline;
  /// Adds `--anonymous`: tests of features other than authentication
  /// connect without a token. Auth tests turn it off.
  bool anonymous = true;
  /// Environment variables for the server (e.g. NEXUS_JWT_SECRET).
  std::vector<std::pair<std::string, std::string>> env;

  server_options(std::string log_level = "warn",
                 std::vector<std::string> extra_args = {},
                 millis startup_deadline = 15s)
    : log_level(std::move(log_level)),
      extra_args(std::move(extra_args)),
      startup_deadline(startup_deadline) {
  }
};

/// Path of the server binary: `$NEXUS_SERVER_BIN` when set, else the path
/// the build configured; empty when neither is known.
std::string server_binary();

/// A started nexus-server. The constructor returns once the server printed
/// `listening nexus=PORT neurograph=PORT`, and throws (with the server's
/// stderr in the message) when it did not within the startup deadline.
class server_process {
public:
  explicit server_process(server_options opts = {});
  ~server_process();

  server_process(server_process const&) = delete;
  server_process& operator=(server_process const&) = delete;

  /// Port of the listener whose default dialect is `nexus`.
  std::uint16_t nexus_port() const noexcept { return nexus_port_; }
  /// Port of the listener whose default dialect is `neurograph`.
  std::uint16_t neurograph_port() const noexcept { return neurograph_port_; }

  /// Process id of the server.
  pid_t pid() const noexcept { return child_->pid(); }

  /// True while the server process has not exited.
  bool running() { return child_->running(); }

  /// Sends a signal (e.g. SIGTERM) to the server.
  void send_signal(int sig) { child_->send_signal(sig); }

  /// Waits for exit; the exit code, or nullopt when `deadline` passed.
  std::optional<int> wait_exit(millis deadline) {
    return child_->wait_exit(deadline);
  }

  /// Everything the server wrote to stderr so far.
  std::string stderr_text() const;

  /// The data directory passed with `--data-dir`.
  std::string const& data_dir() const noexcept { return data_dir_; }

  /// Number of open file descriptors of the server (`/proc/PID/fd`), or -1
  /// when it cannot be read.
  int open_fd_count() const;

private:
  std::string temp_dir_;
  std::string data_dir_;
  std::string stderr_path_;
  std::unique_ptr<child_process> child_;
  std::uint16_t nexus_port_ = 0;
  std::uint16_t neurograph_port_ = 0;
};

} // namespace nexus::test
