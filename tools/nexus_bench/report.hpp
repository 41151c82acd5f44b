// Formats a bench_result as one human-readable line and one JSON line.
#pragma once

#include <string>

#include "options.hpp"
#include "runner.hpp"

namespace nexus::bench {

/// Everything that went wrong: error replies, lost answers, broken and
/// failed connections.
uint64_t total_errors(const bench_result& r);

/// `closed window=W, C/N conns, S s: R req/s, latency us p50 … p99 …`.
std::string human_line(const bench_options& opts, const bench_result& r);

/// `{"requests_per_sec":…,"p50_us":…,"p99_us":…,"p999_us":…,"errors":…,
/// "connections":…, …}` on one line.
std::string json_line(const bench_options& opts, const bench_result& r);

} // namespace nexus::bench
