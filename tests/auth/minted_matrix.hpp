// Test helper: runs mint_matrix.py (PyJWT under /usr/bin/python3) into a
// fresh temporary directory and loads what it wrote: the verifier options
// from nexus-auth.json (PEM files read) and the token matrix.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwt_verifier.hpp"

namespace nexus::auth::test {

/// The instant every matrix token is minted and verified at.
constexpr int64_t matrix_now = 1'750'000'000;

/// The whole contents of `path`; throws if it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// One row of matrix.json.
struct matrix_entry {
  std::string name;
  std::string token;
  std::string expect; ///< "accept" or a failure_reason name
  std::string sub;
  std::string plan;
  std::vector<std::string> topics;
  bool has_topics = false;
};

/// `{"auth": {...}}` as written by mint_matrix.py, PEM files read.
inline verifier_options load_options(const std::string& config_path) {
  auto auth = nlohmann::json::parse(read_file(config_path)).at("auth");
  verifier_options out;
  for (const auto& k : auth.at("keys")) {
    jwt_key key;
    key.kid = k.value("kid", "");
    key.alg = k.at("alg").get<std::string>();
    key.material = k.contains("secret")
                       ? k.at("secret").get<std::string>()
                       : read_file(k.at("public_key_file").get<std::string>());
    out.keys.push_back(std::move(key));
  }
  out.issuer = auth.value("issuer", "");
  out.audience = auth.value("audience", "");
  return out;
}

/// The script's output in a temporary directory removed afterwards.
class minted_matrix {
public:
  minted_matrix() {
    auto pattern =
        std::filesystem::temp_directory_path() / "nexus-auth-test-XXXXXX";
    std::string text = pattern.string();
    if (mkdtemp(text.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    dir_ = text;
    try {
      run_script();
      load();
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      throw;
    }
  }

  minted_matrix(const minted_matrix&) = delete;
  minted_matrix& operator=(const minted_matrix&) = delete;

  ~minted_matrix() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// The path of `name` in the output directory.
  std::string path(const std::string& name) const {
    return (dir_ / name).string();
  }

  /// The row called `name`; throws if there is none.
  const matrix_entry& entry(const std::string& name) const {
    for (const auto& e : entries)
      if (e.name == name)
        return e;
    throw std::runtime_error("no matrix entry " + name);
  }

  verifier_options options;
  std::vector<matrix_entry> entries;

private:
  void load() {
    options = load_options(path("nexus-auth.json"));
    for (const auto& e :
         nlohmann::json::parse(read_file(path("matrix.json")))) {
      matrix_entry row;
      row.name = e.at("name").get<std::string>();
      row.token = e.at("token").get<std::string>();
      row.expect = e.at("expect").get<std::string>();
      row.sub = e.value("sub", "");
      row.plan = e.value("plan", "");
      if (e.contains("topics")) {
        row.has_topics = true;
        row.topics = e.at("topics").get<std::vector<std::string>>();
      }
      entries.push_back(std::move(row));
    }
  }

  void run_script() {
    std::string command =
        "/usr/bin/python3 '" NEXUS_AUTH_TEST_DIR "/mint_matrix.py' '" +
        dir_.string() + "' --now " + std::to_string(matrix_now) + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
      throw std::runtime_error("cannot start " + command);
    std::string output;
    char buf[512];
    while (auto n = fread(buf, 1, sizeof buf, pipe))
      output.append(buf, n);
    int status = pclose(pipe);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      throw std::runtime_error("mint_matrix.py failed (" + command + "):\n" +
                               output);
  }

  std::filesystem::path dir_;
};

/// One matrix for the whole test process.
inline const minted_matrix& shared_matrix() {
  static const minted_matrix matrix;
  return matrix;
}

} // namespace nexus::auth::test
