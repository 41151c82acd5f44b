// The commands (--check-config, --help, --version), the --help text, and the
// example config and docs/config.md staying in step with the settings table.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "config/settings.hpp"
#include "tests/config/temp_dir.hpp"

using namespace nexus::config;
using namespace nexus::config::test;
using strings = std::vector<std::string>;

namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in{std::string{NEXUS_SOURCE_DIR} + "/" + relative};
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("check-config FILE checks that file") {
  temp_dir dir;
  auto good = dir.write("good.json", R"({"dev": true})");
  auto x = run({"--check-config", good});
  CHECK(x.cmd == command::check_config);
  CHECK(x.config_path == good);
  CHECK(x.problems.empty());
  CHECK(x.cfg.dev);
  auto bad = dir.write("bad.json", R"({"dev": 1, "threads": {"io": 99}})");
  auto y = run({"--check-config=" + bad});
  CHECK(y.cmd == command::check_config);
  CHECK(messages(y) == strings{"dev: must be a boolean, got 1",
                               "threads.io: must be 1..64, got 99"});
}

TEST_CASE("check-config also checks the environment and other flags") {
  temp_dir dir;
  auto file = dir.write("c.json", "{}");
  auto x = run({"--check-config", file, "--io-threads=0"},
               {{"NEXUS_CONFIG", dir.path("ignored.json")},
                {"NEXUS_LOG_FORMAT", "yaml"}});
  CHECK(x.config_path == file);
  CHECK(messages(x) ==
        strings{R"(NEXUS_LOG_FORMAT: must be one of text|json, got "yaml")",
                "--io-threads: must be 1..64, got 0"});
}

TEST_CASE("check-config needs its file") {
  auto x = run({"--check-config"});
  CHECK(x.cmd == command::check_config);
  CHECK(messages(x) == strings{"--check-config: needs a value"});
  auto y = run({"--check-config="});
  CHECK(y.cmd == command::check_config);
  CHECK(messages(y) == strings{"--check-config: needs a file name"});
}

TEST_CASE("help and version read no file") {
  CHECK(run({"--help"}).cmd == command::help);
  CHECK(run({"-h"}).cmd == command::help);
  CHECK(run({"--version"}).cmd == command::version);
  auto x = run({"--config", "/nonexistent/nexus.json", "--help"},
               {{"NEXUS_NEXUS_PORT", "junk"}});
  CHECK(x.cmd == command::help);
  CHECK(x.problems.empty());
  CHECK(run({"--version", "--help"}).cmd == command::help);
  CHECK(messages(run({"--help", "--bogus"})) ==
        strings{"--bogus: unknown flag"});
}

TEST_CASE(
    "usage lists every flag with variable and key and range and default") {
  auto text = usage();
  for (const auto* word :
       {"--check-config FILE", "--help, -h", "--version", "--config FILE",
        "NEXUS_CONFIG", "--nexus-port N  [0..65535, default 8080]",
        "env NEXUS_NEXUS_PORT, file nexus_port",
        "--max-message-bytes N  [1024..67108864, default 1048576]",
        "env NEXUS_MAX_MESSAGE_BYTES, file limits.max_message_bytes",
        "--bind ADDR  [default 127.0.0.1]", "--dev[=true|false]",
        "--log-level trace|debug|info|warn|error|critical|off  [default info]",
        "--scheduler-policy sharing|stealing  [default sharing]",
        "--data-dir DIR  [default nexus-data]"}) {
    INFO(word);
    CHECK(text.find(word) != std::string::npos);
  }
  for (const auto& s : settings()) {
    CHECK(text.find("\n  " + flag_name(s)) != std::string::npos);
    auto joined = text.find("env " + env_name(s) + ", file " +
                            std::string{s.path}) != std::string::npos;
    auto split = text.find("env " + env_name(s) + "\n      file " +
                           std::string{s.path}) != std::string::npos;
    CHECK((joined || split));
  }
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 80);
  }
}

TEST_CASE("the settings table has one row per config member") {
  CHECK(settings().size() == 55);
  for (const auto& s : settings()) {
    INFO(s.path);
    CHECK(find_by_path(s.path) == &s);
    CHECK(find_by_flag(s.flag) == &s);
    auto val = fetch(s, server_config{});
    CHECK(check(s, val, to_text(val)).empty());
  }
  CHECK(env_name(*find_by_flag("nexus-port")) == "NEXUS_NEXUS_PORT");
  auto& fmt = *find_by_path("log.format");
  CHECK(with_value({}, fmt, std::string{"json"}).log_fmt == log_format::json);
  auto& policy = *find_by_path("threads.scheduler_policy");
  CHECK(with_value({}, policy, std::string{"stealing"}).policy ==
        scheduler_policy::stealing);
}

TEST_CASE("nexus.example.json lists every key with its default") {
  auto text = read_source("config/nexus.example.json");
  server_config cfg;
  cfg.dev = true; // to see the example set it back to the default
  std::vector<problem> problems;
  apply_json(text, cfg, problems);
  CHECK(problems.empty());
  auto doc = nlohmann::json::parse(text, nullptr, true, true);
  for (const auto& s : settings()) {
    INFO(s.path);
    auto pointer = "/" + std::string{s.path};
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    CHECK(doc.contains(nlohmann::json::json_pointer{pointer}));
    CHECK(fetch(s, cfg) == fetch(s, server_config{}));
  }
}

TEST_CASE("docs/config.md documents every key and flag and variable") {
  auto text = read_source("docs/config.md");
  for (const auto& s : settings()) {
    INFO(s.path);
    CHECK(text.find("`" + std::string{s.path} + "`") != std::string::npos);
    CHECK(text.find("`" + flag_name(s)) != std::string::npos);
    CHECK(text.find("`" + env_name(s) + "`") != std::string::npos);
  }
  for (const auto* word : {"--check-config", "NEXUS_CONFIG", "--config"})
    CHECK(text.find(word) != std::string::npos);
}
