// The command-line and environment sources. Flags take `--flag VALUE` or
// `--flag=VALUE`; each setting's variable is its flag as NEXUS_UPPER_CASE.
#include "config/sources.hpp"

#include <optional>

namespace nexus::config {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

/// Walks argv once, collecting the command, the file and setting flags.
class arg_parser {
public:
  arg_parser(int argc, const char* const* argv) : argc_(argc), argv_(argv) {
    // nop
  }

  arguments run() {
    for (pos_ = 1; pos_ < argc_; ++pos_)
      one(argv_[pos_] != nullptr ? argv_[pos_] : "");
    if (help_)
      out_.cmd = command::help;
    else if (version_)
      out_.cmd = command::version;
    else if (check_)
      out_.cmd = command::check_config;
    return std::move(out_);
  }

private:
  void fail(std::string key, std::string rule) {
    out_.flags.problems.push_back({std::move(key), std::move(rule)});
  }

  /// The next argument as this flag's value, unless it is itself a flag.
  std::optional<std::string_view> next_value() {
    if (pos_ + 1 >= argc_ || argv_[pos_ + 1] == nullptr ||
        starts_with(argv_[pos_ + 1], "--"))
      return std::nullopt;
    return std::string_view{argv_[++pos_]};
  }

  void one(std::string_view arg) {
    if (arg == "-h" || arg == "--help") {
      help_ = true;
    } else if (arg == "--version") {
      version_ = true;
    } else if (!starts_with(arg, "--") || arg.size() == 2) {
      fail(std::string{arg}, "unexpected argument");
    } else if (auto eq = arg.find('='); eq != arg.npos) {
      with_value(arg.substr(2, eq - 2), arg.substr(eq + 1));
    } else {
      without_value(arg.substr(2));
    }
  }

  /// `--name` alone: a boolean, or a flag taking the next argument.
  void without_value(std::string_view name) {
    const auto* s = find_by_flag(name);
    if (s != nullptr && s->type == value_type::boolean)
      return with_value(name, "true");
    auto val = next_value(); // Also skipped after an unknown flag.
    check_ = check_ || name == "check-config";
    if (s == nullptr && name != "config" && name != "check-config")
      fail("--" + std::string{name}, "unknown flag");
    else if (!val)
      fail("--" + std::string{name}, "needs a value");
    else
      with_value(name, *val);
  }

  /// `--name=val`, or `--name val` after the value was taken.
  void with_value(std::string_view name, std::string_view val) {
    auto key = "--" + std::string{name};
    check_ = check_ || name == "check-config";
    if (const auto* s = find_by_flag(name)) {
      out_.flags.add(*s, from_text(*s, val), key);
    } else if (name == "help" || name == "version") {
      fail(key, "takes no value");
    } else if (name != "config" && name != "check-config") {
      fail(key, "unknown flag");
    } else if (val.empty()) {
      fail(key, "needs a file name");
    } else {
      out_.config_path = std::string{val};
    }
  }

  int argc_;
  const char* const* argv_;
  int pos_ = 0;
  bool help_ = false;
  bool version_ = false;
  bool check_ = false;
  arguments out_;
};

} // namespace

arguments read_args(int argc, const char* const* argv) {
  return arg_parser{argc, argv}.run();
}

reading read_env(const environment& env) {
  reading out;
  for (const auto& s : settings()) {
    auto name = env_name(s);
    if (auto i = env.find(name); i != env.end())
      out.add(s, from_text(s, i->second), name);
  }
  return out;
}

} // namespace nexus::config
