// The user limiter through real actors: per-connection and per-user limits,
// honest retry_after_ms, and refusals that cost nothing. Time is a manual
// clock, so every count is exact.
#include <catch2/catch.hpp>

#include "actor_fixture.hpp"
#include "actors/supervisor/user_limiter.hpp"
#include "rate_test_support.hpp"

using namespace nexus;
using namespace std::chrono_literals;
using nexus::test::actor_fixture;
using nexus::test::admit;
using nexus::test::admitted_of;
using nexus::test::join;
using nexus::test::manual_clock;

namespace {

/// Limits with a user bucket of `user` and default connection limits of
/// `conn`, on `clock`.
actors::user_limits limits(actors::rate_limit user, actors::rate_limit conn,
                           const manual_clock& clock) {
  return actors::user_limits{user, conn, clock.source()};
}

} // namespace

TEST_CASE_METHOD(actor_fixture, "a connection's burst is exact at N-1, N, N+1",
                 "[actors][user_limiter]") {
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({50, 1000}, {10, 20}, clock));
  caf::scoped_actor conn{sys};
  join(conn, limiter, 10, 20);
  CHECK(admitted_of(conn, limiter, 19) == 19); // N-1
  CHECK(admit(conn, limiter) == 0u);           // N
  CHECK(admit(conn, limiter) == 100u);         // N+1: 1 token at 10/s
  clock.advance(99ms);
  CHECK(admit(conn, limiter) == 1u);
  clock.advance(1ms);
  CHECK(admit(conn, limiter) == 0u);
  CHECK(admit(conn, limiter) == 100u);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "retry_after_ms is honest",
                 "[actors][user_limiter]") {
  auto rate = GENERATE(1u, 3u, 7u, 10u, 333u);
  CAPTURE(rate);
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({1000, 1000}, {10, 20}, clock));
  caf::scoped_actor conn{sys};
  join(conn, limiter, rate, 1);
  REQUIRE(admit(conn, limiter) == 0u);
  for (int round = 0; round < 3; ++round) {
    auto retry = admit(conn, limiter);
    REQUIRE(retry.has_value());
    REQUIRE(*retry >= 1u);
    clock.advance(std::chrono::milliseconds{*retry - 1});
    CHECK(admit(conn, limiter) == 1u);
    clock.advance(1ms);
    CHECK(admit(conn, limiter) == 0u);
  }
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture,
                 "two connections of one user share the user's bucket",
                 "[actors][user_limiter]") {
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({50, 30}, {10, 20}, clock));
  caf::scoped_actor c1{sys};
  caf::scoped_actor c2{sys};
  join(c1, limiter, 10, 20);
  join(c2, limiter, 10, 20);
  CHECK(admitted_of(c1, limiter, 20) == 20);
  CHECK(admitted_of(c2, limiter, 10) == 10);
  // The user's bucket is empty: 1 token at 50/s is 20 ms away. c1's own
  // bucket is empty too, 100 ms at 10/s: the answer is the longer wait.
  CHECK(admit(c2, limiter) == 20u);
  CHECK(admit(c1, limiter) == 100u);
  clock.advance(20ms);
  CHECK(admit(c1, limiter) == 80u);
  CHECK(admit(c2, limiter) == 0u);
  CHECK(admit(c2, limiter) == 20u);
  CHECK(admit(c1, limiter) == 80u);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture,
                 "a refusal by one bucket takes nothing from the other",
                 "[actors][user_limiter]") {
  manual_clock clock;
  SECTION("refused by the connection's bucket: the user's keeps its tokens") {
    auto limiter = sys.spawn(actors::user_limiter,
                             limits({1, 30}, {10, 20}, clock));
    caf::scoped_actor c1{sys};
    caf::scoped_actor c2{sys};
    join(c1, limiter, 1, 20);
    join(c2, limiter, 1, 20);
    CHECK(admitted_of(c1, limiter, 70) == 20); // 50 refusals by c1's bucket
    CHECK(admitted_of(c2, limiter, 11) == 10); // the user's last 10
    caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
  }
  SECTION("refused by the user's bucket: the connection's keeps its tokens") {
    auto limiter = sys.spawn(actors::user_limiter,
                             limits({100, 5}, {10, 20}, clock));
    caf::scoped_actor conn{sys};
    join(conn, limiter, 1, 20);
    for (int round = 0; round < 4; ++round) {
      CHECK(admitted_of(conn, limiter, 5) == 5);
      CHECK(admitted_of(conn, limiter, 10) == 0); // the user's bucket
      clock.advance(50ms);                         // refills the user's 5
    }
    // 20 admitted and 4 × 50 ms at 1/s: 0.2 tokens, 800 ms to the next.
    CHECK(admit(conn, limiter) == 800u);
    caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
  }
}

TEST_CASE_METHOD(actor_fixture,
                 "an admit before any join gets the default connection limits",
                 "[actors][user_limiter]") {
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({50, 100}, {10, 3}, clock));
  caf::scoped_actor conn{sys};
  CHECK(admitted_of(conn, limiter, 3) == 3);
  CHECK(admit(conn, limiter) == 100u);
  CHECK(test::count_of(self, limiter) == 1u);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "joining again does not refill a connection",
                 "[actors][user_limiter]") {
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({50, 100}, {10, 20}, clock));
  caf::scoped_actor conn{sys};
  join(conn, limiter, 10, 2);
  CHECK(admitted_of(conn, limiter, 2) == 2);
  join(conn, limiter, 10, 2);
  CHECK(admit(conn, limiter) == 100u);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "a gone connection's bucket is forgotten",
                 "[actors][user_limiter]") {
  manual_clock clock;
  auto limiter = sys.spawn(actors::user_limiter,
                           limits({50, 100}, {10, 20}, clock));
  caf::scoped_actor c1{sys};
  std::optional<caf::scoped_actor> c2{std::in_place, sys};
  join(c1, limiter, 10, 20);
  join(*c2, limiter, 10, 20);
  REQUIRE(admit(*c2, limiter) == 0u);
  CHECK(test::count_of(self, limiter) == 2u);
  c2.reset();
  CHECK(test::count_becomes(self, limiter, 1));
  CHECK(admit(c1, limiter) == 0u); // the survivor is unaffected
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}
