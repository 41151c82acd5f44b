// Runs one seed-document client against a fresh nexus-server:
//   nexus-seed-client-driver PROGRAM [ARGS...]
// starts the server (a JWT secret configured, anonymous access on for the
// NeuroGraph seed, which sends no token), mints a token with
// `nexus-server token`, runs PROGRAM with NEXUS_PORT, NEUROGRAPH_PORT and
// NEXUS_TEST_TOKEN set (the Nexus seed's `<jwt_token>`), stops the server,
// and exits with the client's exit code (1 on timeout).
#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"

#include <csignal>
#include <exception>
#include <iostream>

using namespace nexus::test;

namespace {

/// Secret of the driven server; the token the clients present is signed
/// with it.
constexpr const char* seed_secret = "seed-client-driver-secret";

/// A token for user `seed-client` from `nexus-server token`; "" on failure.
std::string mint_seed_token() {
  process_options opts;
  opts.program = server_binary();
  opts.args = {"token", "--sub", "seed-client", "--ttl", "1h"};
  opts.unset_prefixes = {"NEXUS_"};
  opts.env = {{"NEXUS_JWT_SECRET", seed_secret}};
  opts.capture_stdout = true;
  child_process minter{opts};
  auto line = minter.read_stdout_line(10s);
  auto code = minter.wait_exit(10s);
  if (!line || code != std::optional<int>{0})
    return {};
  return *line;
}

/// Runs the client; its exit code, or 1 when it did not finish in time.
int run_client(server_process const& server, std::string const& token,
               int argc, char** argv) {
  process_options opts;
  opts.program = argv[1];
  opts.args.assign(argv + 2, argv + argc);
  opts.env = {{"NEXUS_PORT", std::to_string(server.nexus_port())},
              {"NEUROGRAPH_PORT", std::to_string(server.neurograph_port())},
              {"NEXUS_TEST_TOKEN", token}};
  child_process client{opts};
  auto code = client.wait_exit(60s);
  if (!code) {
    std::cerr << "driver: client did not finish within 60 s\n";
    return 1;
  }
  return *code;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " PROGRAM [ARGS...]\n";
    return 2;
  }
  try {
    auto token = mint_seed_token();
    if (token.empty()) {
      std::cerr << "driver: nexus-server token failed\n";
      return 1;
    }
    server_options opts;
    opts.env = {{"NEXUS_JWT_SECRET", seed_secret}};
    server_process server{opts};
    int code = run_client(server, token, argc, argv);
    server.send_signal(SIGTERM);
    auto server_code = server.wait_exit(15s);
    if (code != 0 || server_code != std::optional<int>{0}) {
      std::cerr << "driver: client exit " << code << ", server exit "
                << (server_code ? std::to_string(*server_code) : "timeout")
                << "\nserver stderr:\n"
                << server.stderr_text().substr(0, 4000) << "\n";
    }
    return code != 0 ? code : (server_code == std::optional<int>{0} ? 0 : 1);
  } catch (std::exception const& e) {
    std::cerr << "driver: " << e.what() << "\n";
    return 1;
  }
}
