// load(): reads argv, then the config file, the environment and the flags,
// applies them in that order (later wins) over the defaults and validates
// the result, collecting every problem instead of stopping at the first.
#include "config/loader.hpp"

#include <exception>
#include <string_view>

#include "config/settings.hpp"
#include "config/sources.hpp"

extern char** environ; // POSIX; declared by <unistd.h> only on request.

namespace nexus::config {

namespace {

/// Variable naming the config file when no flag does.
constexpr const char* config_variable = "NEXUS_CONFIG";

/// Name of whole-text problems when apply_json has no file name.
constexpr const char* json_origin = "config";

/// How validate() shows a stored value in "got X".
std::string shown(const setting& s, const value& val) {
  auto text = to_text(val);
  return s.type == value_type::integer || s.type == value_type::boolean
             ? text
             : quote(text);
}

/// The config file: --config / --check-config, else NEXUS_CONFIG.
std::string config_path(const arguments& args, const environment& env) {
  if (!args.config_path.empty())
    return args.config_path;
  auto i = env.find(config_variable);
  return i != env.end() ? i->second : std::string{};
}

} // namespace

void reading::add(const setting& s, outcome x, const std::string& key) {
  if (x.rule.empty())
    values.push_back({&s, std::move(x.val)});
  else
    problems.push_back({key, std::move(x.rule)});
}

void reading::add(reading other) {
  for (auto& x : other.values)
    values.push_back(std::move(x));
  for (auto& x : other.problems)
    problems.push_back(std::move(x));
}

server_config apply_all(server_config cfg,
                        const std::vector<assignment>& values) {
  for (const auto& x : values)
    cfg = with_value(std::move(cfg), *x.target, x.val);
  return cfg;
}

std::string to_string(const problem& x) {
  return x.key + ": " + x.rule;
}

environment process_environment() {
  environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text{*entry};
    auto eq = text.find('=');
    if (eq != text.npos && text.substr(0, 6) == "NEXUS_")
      env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

startup load(int argc, const char* const* argv, const environment& env) {
  startup out;
  try {
    auto args = read_args(argc, argv);
    out.cmd = args.cmd;
    if (out.cmd == command::help || out.cmd == command::version) {
      out.problems = std::move(args.flags.problems);
      return out;
    }
    out.config_path = config_path(args, env);
    out.token = std::move(args.token);
    reading all;
    if (!out.config_path.empty())
      all.add(read_file(out.config_path));
    all.add(read_env(env));
    all.add(std::move(args.flags));
    out.cfg = apply_all(server_config{}, all.values);
    out.problems = std::move(all.problems);
    validate(out.cfg, out.problems);
  } catch (const std::exception& e) {
    // Only allocation can fail here; report it rather than throw.
    out.problems.push_back({"nexus-server", e.what()});
  }
  return out;
}

void apply_json(std::string_view text, server_config& cfg,
                std::vector<problem>& problems) {
  auto found = read_json(text, json_origin);
  cfg = apply_all(std::move(cfg), found.values);
  for (auto& x : found.problems)
    problems.push_back(std::move(x));
}

void validate(const server_config& cfg, std::vector<problem>& problems) {
  for (const auto& s : settings()) {
    auto val = fetch(s, cfg);
    if (auto rule = check(s, val, shown(s, val)); !rule.empty())
      problems.push_back({std::string{s.path}, std::move(rule)});
  }
  if (cfg.tls.cert_file.empty() != cfg.tls.key_file.empty())
    problems.push_back({cfg.tls.cert_file.empty() ? "tls.cert_file"
                                                  : "tls.key_file",
                        "tls.cert_file and tls.key_file go together"});
  if (cfg.nexus_port != 0 && cfg.nexus_port == cfg.neurograph_port)
    problems.push_back(
        {"neurograph_port", "must differ from nexus_port, both are " +
                                std::to_string(cfg.nexus_port)});
}

} // namespace nexus::config
