// The connection supervisor: counting, draining with 1001, and what its
// death means for connections.
#include <catch2/catch.hpp>

#include "actor_fixture.hpp"
#include "actors/supervisor/connection_supervisor.hpp"

using namespace nexus;
using nexus::test::actor_fixture;
using nexus::test::recording_outbound;

namespace {

uint64_t count(actor_fixture& f,
               const actors::connection_supervisor_actor& sup) {
  uint64_t n = 999;
  f.self->request(sup, std::chrono::seconds{2}, atoms::count_atom_v)
    .receive([&](uint64_t x) { n = x; }, [](caf::error&) {});
  return n;
}

} // namespace

TEST_CASE_METHOD(actor_fixture, "drain waits for every connection",
                 "[actors][supervisor]") {
  auto sup = sys.spawn(actors::connection_supervisor,
                       std::shared_ptr<const actors::node_context>{node});
  std::vector<std::shared_ptr<recording_outbound>> outs(3);
  std::vector<actors::connection_actor> conns;
  for (auto& out : outs) {
    conns.push_back(spawn_connection(messages::dialect::nexus, out,
                                     caf::actor_cast<caf::actor>(sup)));
    caf::anon_send(sup, atoms::attach_atom_v,
                   caf::actor_cast<caf::actor>(conns.back()));
  }
  CHECK(count(*this, sup) == 3);
  uint64_t drained = 0;
  auto pending = self->request(sup, std::chrono::seconds{5},
                               atoms::drain_atom_v);
  for (auto& out : outs)
    CHECK(out->close_code() == 1001);
  // The sessions report their sockets gone, as net would after the close.
  for (auto& c : conns)
    caf::anon_send(c, atoms::closed_atom_v);
  pending.receive([&](uint64_t n) { drained = n; }, [](caf::error&) {});
  CHECK(drained == 3);
  CHECK(count(*this, sup) == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "a dead supervisor closes connections",
                 "[actors][supervisor]") {
  auto sup = sys.spawn(actors::connection_supervisor,
                       std::shared_ptr<const actors::node_context>{node});
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out,
                               caf::actor_cast<caf::actor>(sup));
  self->monitor(conn);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  CHECK(out->close_code() == 1001);
  CHECK(wait_down(conn.address()));
}
