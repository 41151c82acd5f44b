// Runs nexus-server through `child_process` with a chosen environment:
// to completion (stdout and stderr collected) or until it listens.
#include "tests/support/server_cli.hpp"

#include "tests/support/server_process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace nexus::test {

namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

/// Milliseconds left until `end`, never negative.
millis left_until(clock_type::time_point end) {
  auto left = std::chrono::duration_cast<millis>(end - clock_type::now());
  return left < 0ms ? 0ms : left;
}

/// Options for a nexus-server child with `args` and `env`, stdout piped
/// and stderr appended to `stderr_path`.
process_options server_child(std::vector<std::string> const& args,
                             env_list const& env,
                             std::string const& stderr_path) {
  auto binary = server_binary();
  if (binary.empty())
    throw std::runtime_error("nexus-server path unknown: set NEXUS_SERVER_BIN");
  process_options p;
  p.program = binary;
  p.args = args;
  p.env = env;
  p.unset_prefixes = {"NEXUS_"};
  p.capture_stdout = true;
  p.stderr_path = stderr_path;
  return p;
}

/// The nexus port of a `listening nexus=A neurograph=B` line, or nullopt.
std::optional<std::uint16_t> listening_port(std::string const& line) {
  static std::regex const re{R"(^listening nexus=(\d+) neurograph=\d+\s*$)"};
  std::smatch m;
  if (!std::regex_match(line, m, re))
    return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(m[1].str()));
}

} // namespace

temp_dir::temp_dir() {
  auto pattern = (fs::temp_directory_path() / "nexus-cli-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

temp_dir::~temp_dir() {
  if (std::getenv("NEXUS_IT_KEEP") == nullptr) {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
}

std::string temp_dir::write_file(std::string const& name,
                                 std::string const& content) const {
  auto file = path_ + "/" + name;
  std::ofstream out{file, std::ios::binary | std::ios::trunc};
  out << content;
  if (!out.flush())
    throw std::runtime_error("cannot write " + file);
  return file;
}

std::string temp_dir::read_file(std::string const& name) const {
  std::ifstream in{path_ + "/" + name, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

cli_result run_server_cli(std::vector<std::string> const& args,
                          env_list const& env, millis deadline) {
  temp_dir dir;
  auto const end = clock_type::now() + deadline;
  cli_result result;
  {
    child_process child{server_child(args, env, dir.path() + "/stderr")};
    for (int lines = 0; lines < 100000; ++lines) {
      auto line = child.read_stdout_line(left_until(end));
      if (!line)
        break;
      result.out += *line + "\n";
    }
    result.exit_code = child.wait_exit(left_until(end));
  } // a child still running here is killed
  result.err = dir.read_file("stderr");
  return result;
}

env_server::env_server(env_list const& env,
                       std::vector<std::string> const& args,
                       millis startup_deadline) {
  // Anonymous, like server_process: these tests are about configuration.
  std::vector<std::string> all{"--nexus-port", "0", "--neurograph-port", "0",
                               "--data-dir", dir_.path() + "/data",
                               "--anonymous"};
  fs::create_directories(dir_.path() + "/data");
  all.insert(all.end(), args.begin(), args.end());
  child_ = std::make_unique<child_process>(
    server_child(all, env, dir_.path() + "/stderr"));
  auto const end = clock_type::now() + startup_deadline;
  std::string seen;
  for (int lines = 0; lines < 100; ++lines) {
    auto line = child_->read_stdout_line(left_until(end));
    if (!line)
      break;
    if (auto port = listening_port(*line)) {
      nexus_port_ = *port;
      return;
    }
    seen += *line + "\n";
  }
  throw std::runtime_error("nexus-server printed no `listening` line; stdout:\n"
                           + seen + "stderr:\n" + stderr_text());
}

env_server::~env_server() {
  child_.reset(); // kills the server before its directory goes
}

std::string env_server::stderr_text() const {
  return dir_.read_file("stderr");
}

} // namespace nexus::test
