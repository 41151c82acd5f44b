// Human and JSON summaries of one run.
#include "report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace nexus::bench {

namespace {

double us(uint64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

double rps(const bench_result& r) {
  return static_cast<double>(r.totals.completed) / r.duration_s;
}

std::string mode(const bench_options& opts) {
  char buf[64];
  if (opts.rate > 0)
    std::snprintf(buf, sizeof(buf), "open rate=%.0f/s", opts.rate);
  else
    std::snprintf(buf, sizeof(buf), "closed window=%u", opts.window);
  return buf;
}

} // namespace

uint64_t total_errors(const bench_result& r) {
  return r.totals.errors + r.totals.lost + r.totals.dropped +
         r.connect_failures;
}

std::string human_line(const bench_options& opts, const bench_result& r) {
  const auto& h = r.totals.latency;
  char buf[400];
  std::snprintf(buf, sizeof(buf),
                "%s, %u/%u conns, %.1f s: %.0f req/s, latency us p50 %.1f "
                "p99 %.1f p99.9 %.1f max %.1f mean %.1f, errors %llu "
                "(replies %llu, lost %llu, dropped %llu, refused %u), "
                "unmatched messages %llu",
                mode(opts).c_str(), r.connected, opts.connections, r.duration_s,
                rps(r), us(h.quantile(0.5)), us(h.quantile(0.99)),
                us(h.quantile(0.999)), us(h.max()), h.mean() / 1000.0,
                static_cast<unsigned long long>(total_errors(r)),
                static_cast<unsigned long long>(r.totals.errors),
                static_cast<unsigned long long>(r.totals.lost),
                static_cast<unsigned long long>(r.totals.dropped),
                r.connect_failures,
                static_cast<unsigned long long>(r.totals.unmatched));
  return buf;
}

std::string json_line(const bench_options& opts, const bench_result& r) {
  const auto& h = r.totals.latency;
  nlohmann::json j{
      {"requests_per_sec", rps(r)},
      {"p50_us", us(h.quantile(0.5))},
      {"p99_us", us(h.quantile(0.99))},
      {"p999_us", us(h.quantile(0.999))},
      {"max_us", us(h.max())},
      {"mean_us", h.mean() / 1000.0},
      {"errors", total_errors(r)},
      {"connections", r.connected},
      {"requests", h.count()},
      {"answered_total", r.totals.answered},
      {"generator_cpu_us_per_req",
       r.totals.answered == 0
           ? 0.0
           : r.cpu_s * 1e6 / static_cast<double>(r.totals.answered)},
      {"mode", opts.rate > 0 ? "open" : "closed"},
      {"window", opts.window},
      {"rate", opts.rate},
      {"duration_s", r.duration_s},
  };
  return j.dump();
}

} // namespace nexus::bench
