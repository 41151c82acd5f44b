// Sustained abuse: when rejections add up to "close with 1008", and when a
// client that is merely persistent is left alone.
#include <catch2/catch.hpp>

#include "actors/supervisor/abuse_counter.hpp"

using nexus::actors::abuse_counter;
using namespace std::chrono_literals;

namespace {

const auto t0 = abuse_counter::clock::time_point{} + 1h;

} // namespace

TEST_CASE("100 rejections within 10 s: abuse at the 100th, not before",
          "[actors][abuse_counter]") {
  abuse_counter c{100, 10s};
  // Spread over 9.999 s, the widest spacing that stays within the window.
  for (int i = 0; i < 99; ++i)
    REQUIRE_FALSE(c.record_rejection(t0 + i * 101ms));
  CHECK(c.record_rejection(t0 + 99 * 101ms));
  CHECK(c.record_rejection(t0 + 99 * 101ms + 1ms)); // and it stays so
}

TEST_CASE("threshold rejections at one instant are abuse",
          "[actors][abuse_counter]") {
  abuse_counter c{3, 10s};
  CHECK_FALSE(c.record_rejection(t0));
  CHECK_FALSE(c.record_rejection(t0));
  CHECK(c.record_rejection(t0));
}

TEST_CASE("rejections spread beyond the window never trigger",
          "[actors][abuse_counter]") {
  SECTION("100 per 10.1 s, for a long time") {
    abuse_counter c{100, 10s};
    bool flagged = false;
    for (int i = 0; i < 5000; ++i)
      flagged = flagged || c.record_rejection(t0 + i * 102ms);
    CHECK_FALSE(flagged);
  }
  SECTION("the window's edge is outside it") {
    abuse_counter c{3, 10s};
    bool flagged = false;
    for (int i = 0; i < 1000; ++i)
      flagged = flagged || c.record_rejection(t0 + i * 5s);
    CHECK_FALSE(flagged);
  }
}

TEST_CASE("after a quiet window the count starts over",
          "[actors][abuse_counter]") {
  abuse_counter c{3, 10s};
  c.record_rejection(t0);
  c.record_rejection(t0 + 1s);
  REQUIRE(c.record_rejection(t0 + 2s));
  CHECK_FALSE(c.record_rejection(t0 + 20s));
  CHECK_FALSE(c.record_rejection(t0 + 21s));
  CHECK(c.record_rejection(t0 + 22s));
}

TEST_CASE("memory stays at the threshold", "[actors][abuse_counter]") {
  abuse_counter c{5, 10s};
  for (int i = 0; i < 1000; ++i)
    c.record_rejection(t0 + i * 1s);
  CHECK(c.recorded() == 5);
}
