// Test helpers for the config tests: a mkdtemp scratch directory that is
// removed afterwards, and load() driven by a plain list of arguments.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace nexus::config::test {

/// A fresh directory under $TMPDIR, deleted with its contents.
class temp_dir {
public:
  temp_dir() {
    auto pattern =
        std::filesystem::temp_directory_path() / "nexus-config-test-XXXXXX";
    std::string text = pattern.string();
    if (mkdtemp(text.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = text;
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  /// The path of `name` inside the directory.
  std::string path(const std::string& name) const {
    return (path_ / name).string();
  }

  /// Writes `text` to `name` and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream{path(name), std::ios::binary} << text;
    return path(name);
  }

private:
  std::filesystem::path path_;
};

/// Runs load() as `nexus-server ARGS...` with `env`.
inline startup run(const std::vector<std::string>& args,
                   const environment& env = {}) {
  std::vector<const char*> argv{"nexus-server"};
  for (const auto& x : args)
    argv.push_back(x.c_str());
  return load(static_cast<int>(argv.size()), argv.data(), env);
}

/// Every problem as the user sees it, `key: rule`.
inline std::vector<std::string> messages(const startup& x) {
  std::vector<std::string> out;
  for (const auto& p : x.problems)
    out.push_back(to_string(p));
  return out;
}

/// `{"a": {"b": LITERAL}}` for the dotted path `a.b`.
inline std::string nest(const std::string& path, const std::string& literal) {
  auto dot = path.find('.');
  if (dot == std::string::npos)
    return "{\"" + path + "\": " + literal + "}";
  return "{\"" + path.substr(0, dot) +
         "\": " + nest(path.substr(dot + 1), literal) + "}";
}

} // namespace nexus::config::test
