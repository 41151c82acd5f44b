// What a user sees when the configuration is wrong: every problem names the
// key (JSON path, flag or variable) and the rule, and all are reported.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "config/loader.hpp"
#include "tests/config/temp_dir.hpp"

using namespace nexus::config;
using namespace nexus::config::test;
using strings = std::vector<std::string>;

namespace {

/// An integer key, a value just outside each end, and its rule.
struct bounds {
  std::string path;
  std::string flag;
  std::string env;
  std::string below;
  std::string above;
  std::string range;
};

const std::vector<bounds> all_bounds = {
    {"nexus_port", "--nexus-port", "NEXUS_NEXUS_PORT", "-1", "65536",
     "0..65535"},
    {"neurograph_port", "--neurograph-port", "NEXUS_NEUROGRAPH_PORT", "-1",
     "65536", "0..65535"},
    {"threads.io", "--io-threads", "NEXUS_IO_THREADS", "0", "65", "1..64"},
    {"threads.actors", "--actor-threads", "NEXUS_ACTOR_THREADS", "0", "65",
     "1..64"},
    {"drain_timeout_ms", "--drain-timeout-ms", "NEXUS_DRAIN_TIMEOUT_MS", "-1",
     "600001", "0..600000"},
    {"limits.max_message_bytes", "--max-message-bytes",
     "NEXUS_MAX_MESSAGE_BYTES", "1023", "67108865", "1024..67108864"},
    {"limits.max_json_depth", "--max-json-depth", "NEXUS_MAX_JSON_DEPTH", "0",
     "1025", "1..1024"},
    {"limits.max_header_bytes", "--max-header-bytes", "NEXUS_MAX_HEADER_BYTES",
     "1023", "65537", "1024..65536"},
    {"limits.handshake_timeout_ms", "--handshake-timeout-ms",
     "NEXUS_HANDSHAKE_TIMEOUT_MS", "99", "600001", "100..600000"},
    {"limits.ping_interval_ms", "--ping-interval-ms", "NEXUS_PING_INTERVAL_MS",
     "99", "3600001", "100..3600000"},
    {"limits.outbound_queue_bytes", "--outbound-queue-bytes",
     "NEXUS_OUTBOUND_QUEUE_BYTES", "65535", "1073741825", "65536..1073741824"},
    {"limits.inbound_window", "--inbound-window", "NEXUS_INBOUND_WINDOW", "0",
     "65537", "1..65536"},
};

/// Problems from a config file holding `json`.
strings file_problems(const std::string& json) {
  temp_dir dir;
  return messages(run({"--config", dir.write("c.json", json)}));
}

} // namespace

TEST_CASE("a value outside its range names the key and range and value") {
  for (const auto& b : all_bounds) {
    INFO(b.path);
    auto rule = ": must be " + b.range + ", got ";
    CHECK(messages(run({b.flag + "=" + b.below})) ==
          strings{b.flag + rule + b.below});
    CHECK(messages(run({b.flag, b.above})) == strings{b.flag + rule + b.above});
    CHECK(messages(run({}, {{b.env, b.below}})) ==
          strings{b.env + rule + b.below});
    CHECK(file_problems(nest(b.path, b.above)) ==
          strings{b.path + rule + b.above});
    CHECK(file_problems(nest(b.path, b.below)) ==
          strings{b.path + rule + b.below});
  }
}

TEST_CASE("huge numbers are out of range and not wrapped") {
  CHECK(messages(run({"--io-threads=99999999999999999999"})) ==
        strings{"--io-threads: must be 1..64, got 99999999999999999999"});
  CHECK(file_problems(R"({"nexus_port": 18446744073709551615})") ==
        strings{"nexus_port: must be 0..65535, got 18446744073709551615"});
  CHECK(file_problems(R"({"nexus_port": 4294975488})") ==
        strings{"nexus_port: must be 0..65535, got 4294975488"});
}

TEST_CASE("a value of the wrong type says which type is needed") {
  CHECK(file_problems(R"({"nexus_port": "8080"})") ==
        strings{R"(nexus_port: must be an integer, got "8080")"});
  CHECK(file_problems(R"({"limits": {"max_json_depth": 1.5}})") ==
        strings{"limits.max_json_depth: must be an integer, got 1.5"});
  CHECK(file_problems(R"({"threads": {"io": null}})") ==
        strings{"threads.io: must be an integer, got null"});
  CHECK(file_problems(R"({"bind": 127})") ==
        strings{"bind: must be a string, got 127"});
  CHECK(file_problems(R"({"log": {"level": ["info"]}})") ==
        strings{R"(log.level: must be a string, got ["info"])"});
  CHECK(file_problems(R"({"dev": "true"})") ==
        strings{R"(dev: must be a boolean, got "true")"});
  CHECK(messages(run({"--io-threads", "two"})) ==
        strings{R"(--io-threads: must be an integer, got "two")"});
  CHECK(messages(run({"--nexus-port=80x"})) ==
        strings{R"(--nexus-port: must be an integer, got "80x")"});
  CHECK(messages(run({}, {{"NEXUS_NEXUS_PORT", ""}})) ==
        strings{R"(NEXUS_NEXUS_PORT: must be an integer, got "")"});
  CHECK(messages(run({"--dev=yes"})) ==
        strings{R"(--dev: must be a boolean (true|false|1|0), got "yes")"});
  CHECK(messages(run({}, {{"NEXUS_DEV", "on"}})) ==
        strings{R"(NEXUS_DEV: must be a boolean (true|false|1|0), got "on")"});
}

TEST_CASE("a name outside its choices lists the choices") {
  CHECK(messages(run({"--log-level", "verbose"})) ==
        strings{"--log-level: must be one of "
                R"(trace|debug|info|warn|error|critical|off, got "verbose")"});
  CHECK(file_problems(R"({"log": {"format": "xml"}})") ==
        strings{R"(log.format: must be one of text|json, got "xml")"});
  CHECK(messages(run({}, {{"NEXUS_SCHEDULER_POLICY", "greedy"}})) ==
        strings{"NEXUS_SCHEDULER_POLICY: must be one of "
                R"(sharing|stealing, got "greedy")"});
  CHECK(messages(run({"--log-level=INFO"})) ==
        strings{"--log-level: must be one of "
                R"(trace|debug|info|warn|error|critical|off, got "INFO")"});
}

TEST_CASE("bind must be an IP literal and data_dir not empty") {
  CHECK(messages(run({"--bind", "localhost"})) ==
        strings{R"(--bind: must be an IPv4 or IPv6 address, got "localhost")"});
  CHECK(file_problems(R"({"bind": "[::1]"})") ==
        strings{R"(bind: must be an IPv4 or IPv6 address, got "[::1]")"});
  CHECK(messages(run({"--bind=256.0.0.1"})).size() == 1);
  CHECK(messages(run({"--bind=0.0.0.0"})).empty());
  CHECK(messages(run({"--bind=::"})).empty());
  CHECK(messages(run({"--bind=fe80::1:2"})).empty());
  CHECK(messages(run({"--data-dir="})) ==
        strings{"--data-dir: must not be empty"});
  CHECK(file_problems(R"({"data_dir": ""})") ==
        strings{"data_dir: must not be empty"});
}

TEST_CASE("an unknown key anywhere in the file names its dotted path") {
  CHECK(file_problems(R"({"limits": {"max_mesage_bytes": 1}})") ==
        strings{"limits.max_mesage_bytes: unknown key"});
  CHECK(file_problems(R"({"port": 80})") == strings{"port: unknown key"});
  CHECK(file_problems(R"({"log": {"colour": true}})") ==
        strings{"log.colour: unknown key"});
  CHECK(file_problems(R"({"threads": {"workers": 2}})") ==
        strings{"threads.workers: unknown key"});
  CHECK(file_problems(R"({"metrics": {"port": 9}})") ==
        strings{"metrics: unknown key"});
  CHECK(file_problems(R"({"limits.max_json_depth": 9})") ==
        strings{"limits.max_json_depth: unknown key"});
  CHECK(file_problems(R"({"limits": 5})") ==
        strings{"limits: must be an object, got 5"});
  CHECK(file_problems(R"({"bind": {"ip": "::1"}})") ==
        strings{R"(bind: must be a string, got {"ip":"::1"})"});
}

TEST_CASE("every problem is reported: file then variables then flags") {
  temp_dir dir;
  auto file = dir.write("c.json", R"({
    "nexus_prot": 1, "threads": {"io": 0},
    "limits": {"max_json_depth": "deep", "inbound_window": 0}})");
  auto x = run({"--config", file, "--log-level", "loud", "--frobnicate"},
               {{"NEXUS_MAX_HEADER_BYTES", "1"}});
  CHECK(messages(x) ==
        strings{
            "limits.inbound_window: must be 1..65536, got 0",
            R"(limits.max_json_depth: must be an integer, got "deep")",
            "nexus_prot: unknown key",
            "threads.io: must be 1..64, got 0",
            "NEXUS_MAX_HEADER_BYTES: must be 1024..65536, got 1",
            "--log-level: must be one of "
            R"(trace|debug|info|warn|error|critical|off, got "loud")",
            "--frobnicate: unknown flag",
        });
}

TEST_CASE("a rejected value leaves the lower source's value in place") {
  auto x = run({"--io-threads=0"}, {{"NEXUS_IO_THREADS", "6"}});
  CHECK(x.problems.size() == 1);
  CHECK(x.cfg.io_threads == 6);
}

TEST_CASE("unknown flags and missing values and stray arguments") {
  CHECK(messages(run({"--prot", "80"})) == strings{"--prot: unknown flag"});
  CHECK(messages(run({"--prot=80"})) == strings{"--prot: unknown flag"});
  CHECK(messages(run({"--nexus-port"})) ==
        strings{"--nexus-port: needs a value"});
  CHECK(messages(run({"--nexus-port", "--dev"})) ==
        strings{"--nexus-port: needs a value"});
  CHECK(messages(run({"--config"})) == strings{"--config: needs a value"});
  CHECK(messages(run({"--config="})) == strings{"--config: needs a file name"});
  CHECK(messages(run({"serve"})) == strings{"serve: unexpected argument"});
  CHECK(messages(run({"-p", "80"})) ==
        strings{"-p: unexpected argument", "80: unexpected argument"});
  CHECK(messages(run({"--"})) == strings{"--: unexpected argument"});
  CHECK(messages(run({"--dev", "false"})) ==
        strings{"false: unexpected argument"});
  CHECK(messages(run({"--help=1"})) == strings{"--help: takes no value"});
}

TEST_CASE("the two ports must differ unless both are 0") {
  CHECK(messages(run({"--nexus-port=0", "--neurograph-port=0"})).empty());
  CHECK(messages(run({"--nexus-port=0"})).empty());
  CHECK(messages(run({"--nexus-port=9000", "--neurograph-port=9000"})) ==
        strings{"neurograph_port: must differ from nexus_port, "
                "both are 9000"});
  CHECK(messages(run({"--nexus-port=8000"})) ==
        strings{"neurograph_port: must differ from nexus_port, "
                "both are 8000"});
}

TEST_CASE("a missing or unreadable or invalid file is named") {
  temp_dir dir;
  auto missing = dir.path("absent.json");
  CHECK(messages(run({"--config", missing})) ==
        strings{missing + ": cannot open: No such file or directory"});
  CHECK(messages(run({}, {{"NEXUS_CONFIG", missing}})).size() == 1);
  auto sub = dir.path("sub");
  std::filesystem::create_directory(sub);
  CHECK(messages(run({"--config", sub})) ==
        strings{sub + ": cannot read: Is a directory"});
  auto bad = dir.write("bad.json", "{\n  \"bind\": ,\n}");
  auto x = messages(run({"--config", bad}));
  REQUIRE(x.size() == 1);
  CHECK_THAT(x[0], Catch::StartsWith(bad + ": invalid JSON: parse error at "
                                           "line 2, column 11: syntax error"));
  CHECK(messages(run({"--config", dir.write("empty.json", "")})).size() == 1);
  auto list = dir.write("list.json", "[1, 2]");
  CHECK(messages(run({"--config", list})) ==
        strings{list + ": must hold a JSON object ({...})"});
  if (geteuid() != 0) { // root reads anything
    auto locked = dir.write("locked.json", "{}");
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    CHECK(messages(run({"--config", locked})) ==
          strings{locked + ": cannot open: Permission denied"});
  }
}

TEST_CASE("validate checks a config built in code") {
  server_config cfg;
  cfg.io_threads = 0;
  cfg.bind = "example.com";
  cfg.log_level = "loud";
  cfg.limits.max_json_depth = 5000;
  std::vector<problem> problems;
  validate(cfg, problems);
  strings got;
  for (const auto& p : problems)
    got.push_back(to_string(p));
  CHECK(got ==
        strings{R"(bind: must be an IPv4 or IPv6 address, got "example.com")",
                "log.level: must be one of "
                R"(trace|debug|info|warn|error|critical|off, got "loud")",
                "threads.io: must be 1..64, got 0",
                "limits.max_json_depth: must be 1..1024, got 5000"});
}

TEST_CASE("apply_json reports its problems without a file name") {
  server_config cfg;
  std::vector<problem> problems;
  apply_json("{\"dev\": tru}", cfg, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "config");
  CHECK_THAT(problems[0].rule, Catch::StartsWith("invalid JSON: parse error"));
}
