// The rate supervisor: one limiter per user, shared by the user's
// connections, gone with the user's last connection, replaced after a crash.
#include <catch2/catch.hpp>

#include "actor_fixture.hpp"
#include "actors/supervisor/rate_supervisor.hpp"
#include "rate_test_support.hpp"

using namespace nexus;
using namespace std::chrono_literals;
using nexus::test::actor_fixture;
using nexus::test::admit;
using nexus::test::admitted_of;
using nexus::test::count_becomes;
using nexus::test::count_of;
using nexus::test::manual_clock;

namespace {

/// A connection's join: the user's limiter, or nullptr on error/timeout.
actors::user_limiter_actor join_user(caf::scoped_actor& conn,
                                     const actors::rate_supervisor_actor& sup,
                                     const std::string& user_id,
                                     uint32_t user_rate = 50,
                                     uint32_t user_burst = 100) {
  caf::actor limiter;
  conn->request(sup, test::reply_deadline, atoms::join_atom_v, user_id,
                user_rate, user_burst)
    .receive([&](caf::actor& x) { limiter = std::move(x); },
             [](caf::error&) {});
  return caf::actor_cast<actors::user_limiter_actor>(limiter);
}

struct rate_fixture : actor_fixture {
  manual_clock clock;
  actors::rate_supervisor_actor sup = sys.spawn(
    actors::rate_supervisor,
    actors::rate_supervisor_options{actors::rate_limit{10, 20},
                                    clock.source()});

  ~rate_fixture() {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  }
};

} // namespace

TEST_CASE_METHOD(rate_fixture,
                 "one limiter per user: same for the same user, different "
                 "for another",
                 "[actors][rate_supervisor]") {
  caf::scoped_actor a1{sys};
  caf::scoped_actor a2{sys};
  caf::scoped_actor b1{sys};
  auto la1 = join_user(a1, sup, "alice");
  auto la2 = join_user(a2, sup, "alice");
  auto lb1 = join_user(b1, sup, "bob");
  REQUIRE(la1);
  REQUIRE(lb1);
  CHECK(la1 == la2);
  CHECK(la1 != lb1);
  CHECK(join_user(a1, sup, "alice") == la1); // joining twice changes nothing
  CHECK(count_of(self, sup) == 2u);
}

TEST_CASE_METHOD(rate_fixture,
                 "a user's connections share the bucket of the join that "
                 "spawned the limiter",
                 "[actors][rate_supervisor]") {
  caf::scoped_actor c1{sys};
  caf::scoped_actor c2{sys};
  auto limiter = join_user(c1, sup, "alice", 50, 30);
  REQUIRE(join_user(c2, sup, "alice", 999, 999) == limiter);
  test::join(c1, limiter, 10, 20);
  test::join(c2, limiter, 10, 20);
  CHECK(admitted_of(c1, limiter, 21) == 20);
  CHECK(admitted_of(c2, limiter, 11) == 10);
  CHECK(admit(c1, limiter) == 100u); // c1's own bucket: 1 token at 10/s
  CHECK(admit(c2, limiter) == 20u);  // the user's bucket: 1 token at 50/s
}

TEST_CASE_METHOD(rate_fixture,
                 "a user's limiter stops with the user's last connection",
                 "[actors][rate_supervisor]") {
  std::optional<caf::scoped_actor> c1{std::in_place, sys};
  std::optional<caf::scoped_actor> c2{std::in_place, sys};
  caf::scoped_actor other{sys};
  auto limiter = join_user(*c1, sup, "alice");
  REQUIRE(join_user(*c2, sup, "alice") == limiter);
  REQUIRE(join_user(other, sup, "bob"));
  self->monitor(limiter);
  CHECK(count_of(self, sup) == 2u);
  c1.reset();
  // Alice still has c2: her limiter lives on, and is the one c2 gets back.
  CHECK(join_user(*c2, sup, "alice") == limiter);
  CHECK(admit(*c2, limiter) == 0u);
  c2.reset();
  CHECK(wait_down(limiter.address()));
  CHECK(count_becomes(self, sup, 1));
  caf::scoped_actor c3{sys};
  auto fresh = join_user(c3, sup, "alice");
  CHECK(fresh);
  CHECK(fresh != limiter);
  CHECK(count_of(self, sup) == 2u);
}

TEST_CASE_METHOD(rate_fixture, "past users leave nothing behind",
                 "[actors][rate_supervisor]") {
  {
    std::vector<std::unique_ptr<caf::scoped_actor>> conns;
    for (int i = 0; i < 50; ++i) {
      conns.push_back(std::make_unique<caf::scoped_actor>(sys));
      REQUIRE(join_user(*conns.back(), sup, "user-" + std::to_string(i % 20)));
    }
    CHECK(count_of(self, sup) == 20u);
  }
  CHECK(count_becomes(self, sup, 0));
}

TEST_CASE_METHOD(rate_fixture,
                 "a limiter that dies is forgotten; the next join gets a "
                 "fresh one",
                 "[actors][rate_supervisor]") {
  std::optional<caf::scoped_actor> conn{std::in_place, sys};
  auto limiter = join_user(*conn, sup, "alice");
  REQUIRE(limiter);
  self->monitor(limiter);
  caf::anon_send_exit(limiter, caf::exit_reason::kill);
  REQUIRE(wait_down(limiter.address()));
  CHECK(count_becomes(self, sup, 0));
  CHECK(!admit(*conn, limiter).has_value()); // the connection sees an error
  auto fresh = join_user(*conn, sup, "alice");
  REQUIRE(fresh);
  CHECK(fresh != limiter);
  CHECK(admit(*conn, fresh) == 0u);
  CHECK(count_of(self, sup) == 1u);
  conn.reset();
  CHECK(count_becomes(self, sup, 0));
}

TEST_CASE_METHOD(rate_fixture, "a connection that changes user moves over",
                 "[actors][rate_supervisor]") {
  std::optional<caf::scoped_actor> conn{std::in_place, sys};
  REQUIRE(join_user(*conn, sup, "alice"));
  REQUIRE(join_user(*conn, sup, "bob"));
  CHECK(count_becomes(self, sup, 1)); // alice had no other connection
  conn.reset();
  CHECK(count_becomes(self, sup, 0));
}
