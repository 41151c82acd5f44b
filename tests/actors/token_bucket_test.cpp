// The token bucket as a client sees it: how many requests a burst lets
// through, how honest the advertised wait is, and how it refills.
#include <catch2/catch.hpp>

#include "actors/supervisor/token_bucket.hpp"

using nexus::actors::token_bucket;
using namespace std::chrono_literals;

namespace {

const auto t0 = token_bucket::clock::time_point{} + 1h;

/// Takes every token there is at `now`; returns how many.
int drain(token_bucket& b, token_bucket::clock::time_point now) {
  int n = 0;
  while (n < 1000000 && b.try_take(now))
    ++n;
  return n;
}

} // namespace

TEST_CASE("rate 10/s burst 20: the 20th request at one instant passes, "
          "the 21st waits 100 ms",
          "[actors][token_bucket]") {
  token_bucket b{10, 20, t0};
  for (int i = 0; i < 19; ++i)
    REQUIRE(b.try_take(t0));
  CHECK(b.wait_time(t0) == 0ms); // N-1 taken: one more is fine
  CHECK(b.try_take(t0));         // N
  CHECK(b.wait_time(t0) == 100ms);
  CHECK_FALSE(b.try_take(t0));   // N+1
  CHECK(b.try_take(t0 + 100ms));
}

TEST_CASE("a burst of N lets exactly N through at one instant",
          "[actors][token_bucket]") {
  auto burst = GENERATE(1, 2, 5, 20, 100, 2000);
  token_bucket b{1, static_cast<double>(burst), t0};
  CHECK(drain(b, t0) == burst);
  CHECK(b.wait_time(t0) > 0ms);
}

TEST_CASE("a refused request takes no token", "[actors][token_bucket]") {
  token_bucket b{10, 2, t0};
  drain(b, t0);
  for (int i = 0; i < 50; ++i)
    REQUIRE_FALSE(b.try_take(t0 + 50ms));
  CHECK(b.try_take(t0 + 100ms));
}

TEST_CASE("waiting exactly wait_time passes; 1 ms less does not",
          "[actors][token_bucket]") {
  auto rate = GENERATE(1.0, 3.0, 7.0, 10.0, 33.0, 50.0, 333.0, 999.0, 0.3);
  auto offset = GENERATE(0ms, 1ms, 37ms, 250ms);
  CAPTURE(rate, offset.count());
  token_bucket b{rate, 3, t0};
  drain(b, t0);
  auto now = t0 + offset; // partly refilled, unless the offset is zero
  drain(b, now);          // leaving a fraction of a token
  for (int round = 0; round < 5; ++round) {
    auto wait = b.wait_time(now);
    REQUIRE(wait > 0ms);
    CHECK_FALSE(b.try_take(now + wait - 1ms));
    CHECK(b.wait_time(now + wait - 1ms) == 1ms);
    CHECK(b.try_take(now + wait));
    now += wait;
  }
}

TEST_CASE("the bucket refills at its rate", "[actors][token_bucket]") {
  token_bucket b{10, 20, t0};
  drain(b, t0);
  CHECK(drain(b, t0 + 1s) == 10);
  CHECK(drain(b, t0 + 1500ms) == 5);
  CHECK(b.wait_time(t0 + 1500ms) == 100ms);
}

TEST_CASE("the bucket never holds more than its burst",
          "[actors][token_bucket]") {
  token_bucket b{10, 20, t0};
  CHECK(b.wait_time(t0 + 1h) == 0ms);
  CHECK(b.tokens() == 20.0);
  CHECK(drain(b, t0 + 1h) == 20);
  drain(b, t0 + 2h);
  CHECK(drain(b, t0 + 2h + 2s) == 20); // exactly full after burst/rate
}

TEST_CASE("a zero rate never refills and says so",
          "[actors][token_bucket]") {
  token_bucket b{0, 2, t0};
  CHECK(drain(b, t0) == 2);
  CHECK(b.wait_time(t0 + 24h) == std::chrono::milliseconds::max());
  CHECK_FALSE(b.try_take(t0 + 24h));
}

TEST_CASE("a time before the last one refills nothing",
          "[actors][token_bucket]") {
  token_bucket b{10, 1, t0};
  CHECK(b.try_take(t0));
  CHECK(b.wait_time(t0 - 1s) == 1100ms);
  CHECK_FALSE(b.try_take(t0 + 99ms));
  CHECK(b.try_take(t0 + 100ms));
}
