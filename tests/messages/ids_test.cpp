// Server-made identifiers and time formats.
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/ids.hpp"

using namespace nexus::messages;

TEST_CASE("uuid: RFC 4122 v4, lower case, unique", "[ids]") {
  const std::regex re{
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"};
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) {
    auto id = make_uuid();
    if (!std::regex_match(id, re))
      FAIL("bad uuid: " << id);
    seen.insert(std::move(id));
  }
  CHECK(seen.size() == 10'000);
}

TEST_CASE("uuid: unique across threads", "[ids]") {
  std::vector<std::string> a;
  std::vector<std::string> b;
  std::thread t1{[&] {
    for (int i = 0; i < 5000; ++i)
      a.push_back(make_uuid());
  }};
  std::thread t2{[&] {
    for (int i = 0; i < 5000; ++i)
      b.push_back(make_uuid());
  }};
  t1.join();
  t2.join();
  std::set<std::string> seen(a.begin(), a.end());
  seen.insert(b.begin(), b.end());
  CHECK(seen.size() == 10'000);
}

TEST_CASE("message id: msg_ + 16 hex digits, unique", "[ids]") {
  const std::regex re{"msg_[0-9a-f]{16}"};
  std::vector<std::string> a;
  std::vector<std::string> b;
  auto fill = [](std::vector<std::string>& out) {
    for (int i = 0; i < 50'000; ++i)
      out.push_back(make_message_id());
  };
  std::thread t1{fill, std::ref(a)};
  std::thread t2{fill, std::ref(b)};
  t1.join();
  t2.join();
  std::set<std::string> seen(a.begin(), a.end());
  seen.insert(b.begin(), b.end());
  CHECK(seen.size() == 100'000);
  for (const auto& id : {a.front(), a.back(), b.front(), b.back()})
    CHECK(std::regex_match(id, re));
}

TEST_CASE("unix_millis follows the system clock", "[ids][time]") {
  using namespace std::chrono;
  auto expected =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch())
          .count();
  CHECK(std::abs(unix_millis() - expected) < 1000);
  CHECK(unix_millis() > 1'700'000'000'000); // after 2023-11
}

TEST_CASE("rfc3339: known instants", "[ids][time]") {
  CHECK(rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339(1'737'194'460'123) == "2025-01-18T10:01:00.123Z");
  CHECK(rfc3339(1'709'210'096'007) == "2024-02-29T12:34:56.007Z");
  CHECK(rfc3339(946'684'799'999) == "1999-12-31T23:59:59.999Z");
  CHECK(rfc3339(946'684'800'000) == "2000-01-01T00:00:00.000Z");
  CHECK(rfc3339(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("rfc3339_now: format and value", "[ids][time]") {
  const std::regex re{R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"};
  auto before = rfc3339(unix_millis());
  auto now = rfc3339_now();
  auto after = rfc3339(unix_millis());
  CHECK(std::regex_match(now, re));
  // Fixed width: lexical order is time order.
  CHECK(before <= now);
  CHECK(now <= after);
}
