// The CAF type-ID block compiles on its own and its atoms exist and survive
// a message and a serialization round trip.
#include "messages/type_ids.hpp"

#include <string>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <catch2/catch.hpp>

namespace atoms = nexus::atoms;

static_assert(caf::id_block::nexus::begin == caf::first_custom_type_id,
              "the nexus block starts at the first custom type id");
static_assert(caf::id_block::nexus::end >= caf::id_block::nexus::begin);

TEST_CASE("type ids: atoms carry their names", "[type_ids]") {
  CHECK(caf::to_string(atoms::frame_atom_v.value) == "frame");
  CHECK(caf::to_string(atoms::closed_atom_v.value) == "closed");
  CHECK(caf::to_string(atoms::drain_atom_v.value) == "drain");
  CHECK(caf::to_string(atoms::attach_atom_v.value) == "attach");
  CHECK(caf::to_string(atoms::count_atom_v.value) == "count");
}

TEST_CASE("type ids: a frame message round-trips", "[type_ids]") {
  auto msg = caf::make_message(atoms::frame_atom_v,
                               std::string{R"({"type":"heartbeat"})"});
  REQUIRE(msg.match_elements<atoms::frame_atom, std::string>());
  CHECK(msg.get_as<std::string>(1) == R"({"type":"heartbeat"})");
  CHECK_FALSE(msg.match_elements<atoms::closed_atom, std::string>());
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(atoms::drain_atom_v.value));
  caf::atom_value back{};
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(back));
  CHECK(back == atoms::drain_atom_v.value);
}
