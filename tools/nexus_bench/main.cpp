// nexus-bench: a WebSocket heartbeat load generator for Nexus and its
// baselines (see docs/benchmarks.md).
#include <cstdio>
#include <exception>
#include <iostream>

#include "options.hpp"
#include "report.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
  using namespace nexus::bench;
  auto parsed = parse_options(argc, argv);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    if (*err == "help") {
      std::cout << usage();
      return 0;
    }
    std::cerr << "nexus-bench: " << *err << '\n';
    return 2;
  }
  const auto& opts = std::get<bench_options>(parsed);
  try {
    auto result = run_bench(opts);
    auto& human = opts.json ? std::cerr : std::cout;
    human << "nexus-bench: " << human_line(opts, result) << '\n';
    if (!result.first_connect_error.empty())
      std::cerr << "nexus-bench: first refused connection: "
                << result.first_connect_error << '\n';
    if (!result.totals.first_error.empty())
      std::cerr << "nexus-bench: first broken connection: "
                << result.totals.first_error << '\n';
    if (opts.json)
      std::cout << json_line(opts, result) << std::endl;
    return result.connected == 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "nexus-bench: " << e.what() << '\n';
    return 1;
  }
}
