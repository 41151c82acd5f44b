// Reads values out of the server's Prometheus text exposition (/metrics).
#pragma once

#include "tests/support/wait.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace nexus::test {

/// Value of `selector` in Prometheus text `exposition`. The selector is a
/// metric name optionally followed by labels, e.g.
/// `nexus_errors_total{code="INVALID_JSON"}`; every series of that name
/// whose labels include the selector's labels counts, and their values are
/// summed. Nullopt when no series matches.
std::optional<double> metric_value(std::string const& exposition,
                                   std::string const& selector);

/// GET /metrics on `port` and `metric_value` of the body; nullopt when the
/// scrape failed or no series matches.
std::optional<double> scrape_metric(std::uint16_t port,
                                    std::string const& selector,
                                    millis deadline = 5s);

} // namespace nexus::test
