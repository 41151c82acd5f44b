// Starts nexus-server in a fresh temporary directory and parses its one
// `listening nexus=PORT neurograph=PORT` stdout line.
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

/// Creates a fresh directory under the system temp dir.
std::string make_temp_dir() {
  auto pattern = (fs::temp_directory_path() / "nexus-it-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

/// Parses `listening nexus=A neurograph=B`; nullopt for any other line.
std::optional<std::pair<std::uint16_t, std::uint16_t>>
parse_listening(std::string const& line) {
  static std::regex const re{R"(^listening nexus=(\d+) neurograph=(\d+)\s*$)"};
  std::smatch m;
  if (!std::regex_match(line, m, re))
    return std::nullopt;
  return std::pair{static_cast<std::uint16_t>(std::stoi(m[1].str())),
                   static_cast<std::uint16_t>(std::stoi(m[2].str()))};
}

} // namespace

std::string server_binary() {
  if (auto const* env = std::getenv("NEXUS_SERVER_BIN"); env && *env)
    return env;
#ifdef NEXUS_SERVER_BIN
  return NEXUS_SERVER_BIN;
#else
  return {};
#endif
}

server_process::server_process(server_options opts) {
  auto binary = server_binary();
  if (binary.empty())
    throw std::runtime_error("nexus-server path unknown: set NEXUS_SERVER_BIN");
  temp_dir_ = make_temp_dir();
  data_dir_ = temp_dir_ + "/data";
  fs::create_directories(data_dir_);
  stderr_path_ = temp_dir_ + "/stderr.log";
  process_options p;
  p.program = binary;
  p.args = {"--nexus-port",   "0",       "--neurograph-port", "0",
            "--data-dir",     data_dir_, "--log-level",       opts.log_level};
  if (opts.anonymous)
    p.args.push_back("--anonymous");
  p.args.insert(p.args.end(), opts.extra_args.begin(), opts.extra_args.end());
  p.unset_prefixes = {"NEXUS_"}; // the server reads NEXUS_* settings
  p.env = opts.env;
  p.capture_stdout = true;
  p.stderr_path = stderr_path_;
  child_ = std::make_unique<child_process>(std::move(p));
  auto const end = std::chrono::steady_clock::now() + opts.startup_deadline;
  std::string seen;
  for (int lines = 0; lines < 100; ++lines) {
    auto left = std::chrono::duration_cast<millis>(
      end - std::chrono::steady_clock::now());
    auto line = child_->read_stdout_line(left < 0ms ? 0ms : left);
    if (!line)
      break;
    if (auto ports = parse_listening(*line)) {
      std::tie(nexus_port_, neurograph_port_) = *ports;
      return;
    }
    seen += *line + "\n";
  }
  throw std::runtime_error("nexus-server printed no `listening` line; stdout:\n"
                           + seen + "stderr:\n" + stderr_text());
}

server_process::~server_process() {
  child_.reset();
  if (std::getenv("NEXUS_IT_KEEP") == nullptr) {
    std::error_code ignored;
    fs::remove_all(temp_dir_, ignored);
  }
}

std::string server_process::stderr_text() const {
  std::ifstream in{stderr_path_, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int server_process::open_fd_count() const {
  std::error_code ec;
  fs::directory_iterator it{"/proc/" + std::to_string(pid()) + "/fd", ec};
  if (ec)
    return -1;
  int n = 0;
  for (; it != fs::directory_iterator{}; it.increment(ec)) {
    if (ec)
      return -1;
    ++n;
  }
  return n;
}

} // namespace nexus::test
