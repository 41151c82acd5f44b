// Metric families and their Prometheus text.
#include <catch2/catch.hpp>

#include "metrics/registry.hpp"

using namespace nexus::metrics;

TEST_CASE("labelled counters render one series per label value",
          "[metrics]") {
  registry reg;
  auto& f = reg.add("x_total", "Things.", kind::counter, "type",
                    {"heartbeat", "error", "unknown"});
  f.add("heartbeat");
  f.add("heartbeat", 2);
  f.add("no-such-type");
  CHECK(f.value("heartbeat") == 3);
  CHECK(f.value("unknown") == 1);
  CHECK(f.value("error") == 0);
  auto text = reg.render();
  CHECK(text.find("# TYPE x_total counter\n") != std::string::npos);
  CHECK(text.find("x_total{type=\"heartbeat\"} 3\n") != std::string::npos);
  CHECK(text.find("x_total{type=\"unknown\"} 1\n") != std::string::npos);
}

TEST_CASE("gauges go up and down and may be unlabelled", "[metrics]") {
  registry reg;
  auto& g = reg.add("live", "Live things.", kind::gauge);
  g.add(std::size_t{0}, 5);
  g.add(std::size_t{0}, -2);
  CHECK(g.value(std::size_t{0}) == 3);
  CHECK(reg.render().find("# TYPE live gauge\nlive 3\n") != std::string::npos);
  g.add(std::size_t{7}); // out of range: ignored, not a crash
  CHECK(g.value(std::size_t{0}) == 3);
}
