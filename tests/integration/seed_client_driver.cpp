// Runs one seed-document client against a fresh nexus-server:
//   nexus-seed-client-driver PROGRAM [ARGS...]
// starts the server, runs PROGRAM with NEXUS_PORT and NEUROGRAPH_PORT set,
// stops the server, and exits with the client's exit code (1 on timeout).
#include "tests/support/child_process.hpp"
#include "tests/support/server_process.hpp"

#include <csignal>
#include <exception>
#include <iostream>

using namespace nexus::test;

namespace {

/// Runs the client; its exit code, or 1 when it did not finish in time.
int run_client(server_process const& server, int argc, char** argv) {
  process_options opts;
  opts.program = argv[1];
  opts.args.assign(argv + 2, argv + argc);
  opts.env = {{"NEXUS_PORT", std::to_string(server.nexus_port())},
              {"NEUROGRAPH_PORT", std::to_string(server.neurograph_port())}};
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
    server_process server;
    int code = run_client(server, argc, argv);
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
