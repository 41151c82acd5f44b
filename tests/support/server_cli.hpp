// nexus-server runs with chosen arguments and environment variables, for
// tests of the command line: one-shot commands (`--help`, `--check-config`,
// a refused configuration) and servers configured through `NEXUS_*`
// variables, which `server_process` does not pass on.
#pragma once

#include "tests/support/child_process.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

/// A fresh directory under the system temp dir, removed with its contents
/// on destruction (kept when `$NEXUS_IT_KEEP` is set).
class temp_dir {
public:
  temp_dir();
  ~temp_dir();

  temp_dir(temp_dir const&) = delete;
  temp_dir& operator=(temp_dir const&) = delete;

  /// Absolute path of the directory.
  std::string const& path() const noexcept { return path_; }

  /// Writes `content` to file `name` in the directory; returns its path.
  std::string write_file(std::string const& name,
                         std::string const& content) const;

  /// Contents of file `name` in the directory (empty when unreadable).
  std::string read_file(std::string const& name) const;

private:
  std::string path_;
};

/// Environment variables for the server, e.g. {"NEXUS_LOG_LEVEL", "debug"}.
/// Inherited `NEXUS_*` variables are always dropped.
using env_list = std::vector<std::pair<std::string, std::string>>;

/// What a finished run of nexus-server printed.
struct cli_result {
  /// Exit code; nullopt when it still ran at the deadline (it is killed).
  std::optional<int> exit_code;
  /// Everything written to stdout.
  std::string out;
  /// Everything written to stderr.
  std::string err;
};

/// Runs nexus-server with exactly `args` and `env` until it exits, or
/// until `deadline` passes (then it is killed).
cli_result run_server_cli(std::vector<std::string> const& args,
                          env_list const& env = {}, millis deadline = 10s);

/// A nexus-server started with `env`, on free loopback ports with a fresh
/// data directory and anonymous access (`--nexus-port 0 --neurograph-port 0
/// --data-dir ... --anonymous` come first, so `args` may override them). The constructor returns once
/// the `listening` line was printed and throws (with stderr) otherwise.
class env_server {
public:
  env_server(env_list const& env, std::vector<std::string> const& args = {},
             millis startup_deadline = 15s);
  ~env_server();

  env_server(env_server const&) = delete;
  env_server& operator=(env_server const&) = delete;

  /// Port of the listener whose default dialect is `nexus`.
  std::uint16_t nexus_port() const noexcept { return nexus_port_; }

  /// Everything the server wrote to stderr so far.
  std::string stderr_text() const;

private:
  temp_dir dir_;
  std::unique_ptr<child_process> child_;
  std::uint16_t nexus_port_ = 0;
};

} // namespace nexus::test
