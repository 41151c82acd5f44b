// The command-line and environment sources. Flags take `--flag VALUE` or
// `--flag=VALUE`; each setting's variable is its flag as NEXUS_UPPER_CASE.
#include "config/sources.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace nexus::config {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

/// Longest `--ttl` accepted: a year, so the arithmetic cannot overflow.
constexpr int64_t max_ttl_s = 366LL * 24 * 3600;

/// `90`, `90s`, `15m`, `1h`, `2d` → seconds; nullopt if malformed.
std::optional<int64_t> parse_duration_s(std::string_view text) {
  int64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's': unit = 1; text.remove_suffix(1); break;
      case 'm': unit = 60; text.remove_suffix(1); break;
      case 'h': unit = 3600; text.remove_suffix(1); break;
      case 'd': unit = 86400; text.remove_suffix(1); break;
      default: break;
    }
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
      || n <= 0 || n > max_ttl_s / unit)
    return std::nullopt;
  return n * unit;
}

/// Walks argv once, collecting the command, the file and setting flags.
class arg_parser {
public:
  arg_parser(int argc, const char* const* argv) : argc_(argc), argv_(argv) {
    // nop
  }

  arguments run() {
    pos_ = 1;
    if (argc_ > 1 && argv_[1] != nullptr && std::string_view{argv_[1]} == "token") {
      token_ = true;
      pos_ = 2;
    }
    for (; pos_ < argc_; ++pos_)
      one(argv_[pos_] != nullptr ? argv_[pos_] : "");
    if (token_ && out_.token.sub.empty() && !help_)
      fail("--sub", "token needs --sub USER");
    if (help_)
      out_.cmd = command::help;
    else if (version_)
      out_.cmd = command::version;
    else if (check_)
      out_.cmd = command::check_config;
    else if (token_)
      out_.cmd = command::token;
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

  /// The `token` command's flags; false if `name` is not one of them.
  bool token_flag(std::string_view name, std::string_view val) {
    if (!token_ || (name != "sub" && name != "plan" && name != "ttl"
                    && name != "topics"))
      return false;
    auto key = "--" + std::string{name};
    auto& t = out_.token;
    if (name == "sub") {
      t.sub = std::string{val};
      if (t.sub.empty())
        fail(key, "needs a user id");
    } else if (name == "plan") {
      t.plan = std::string{val};
      if (t.plan != "free" && t.plan != "pro" && t.plan != "enterprise")
        fail(key, "must be one of free|pro|enterprise, got " + quote(val));
    } else if (name == "ttl") {
      if (auto s = parse_duration_s(val))
        t.ttl_s = *s;
      else
        fail(key, "must be N, Ns, Nm, Nh or Nd with N > 0, got "
                    + quote(val));
    } else {
      t.topics.clear();
      for (std::size_t pos = 0; pos <= val.size();) {
        auto comma = std::min(val.find(',', pos), val.size());
        if (comma > pos)
          t.topics.emplace_back(val.substr(pos, comma - pos));
        pos = comma + 1;
      }
    }
    return true;
  }

  /// `--name` alone: a boolean, or a flag taking the next argument.
  void without_value(std::string_view name) {
    if (token_ && (name == "sub" || name == "plan" || name == "ttl"
                   || name == "topics")) {
      if (auto val = next_value(); val)
        token_flag(name, *val);
      else
        fail("--" + std::string{name}, "needs a value");
      return;
    }
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
    if (token_flag(name, val))
      return;
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
  bool token_ = false;
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
