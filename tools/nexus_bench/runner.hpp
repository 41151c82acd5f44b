// Runs one benchmark: worker threads (one io_context each), the connect
// phase, the timed run and the drain; returns the merged counters.
#pragma once

#include <cstdint>
#include <string>

#include "client.hpp"
#include "options.hpp"

namespace nexus::bench {

/// What one run measured.
struct bench_result {
  worker_stats totals;
  uint32_t connected = 0;
  uint32_t connect_failures = 0;
  std::string first_connect_error;
  double duration_s = 0;
  /// User + system CPU seconds of this process during the whole run.
  double cpu_s = 0;
};

/// Runs the whole benchmark; throws std::runtime_error when it cannot start
/// (unresolvable host, too few file descriptors).
bench_result run_bench(const bench_options& opts);

} // namespace nexus::bench
