// Command-line options of nexus-bench and their parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "wire.hpp"

namespace nexus::bench {

/// Everything one run needs; defaults match `nexus-bench --help`.
struct bench_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string path = "/ws";
  uint32_t connections = 100;
  double duration_s = 10;
  double warmup_s = 2;
  uint32_t threads = 1;
  /// `none` offers no Sec-WebSocket-Protocol.
  std::string subprotocol = "none";
  /// Envelope of the requests; follows the subprotocol unless given.
  dialect format = dialect::nexus;
  /// Closed loop: requests in flight per connection.
  uint32_t window = 1;
  /// Open loop when > 0: total requests per second over all connections.
  double rate = 0;
  /// Open loop: period of the timer that releases due requests.
  uint32_t tick_us = 100;
  /// Source addresses 127.0.0.1 … 127.0.0.K (0: ceil(connections/20000)).
  uint32_t sources = 0;
  /// Handshakes in flight at once while connecting.
  uint32_t connect_parallel = 64;
  /// Seconds to wait for answers after the run before counting them lost.
  double drain_s = 2;
  bool json = false;
};

/// Either the options or a message for stderr (`help` for --help).
using parse_result = std::variant<bench_options, std::string>;

/// Parses argv; the error string is ready to print.
parse_result parse_options(int argc, char** argv);

/// The --help text.
std::string usage();

} // namespace nexus::bench
