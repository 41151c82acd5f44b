// Server-made identifiers and clock helpers. Random state is per thread
// (UUIDs) or per process plus an atomic counter (message ids): no locks.
#include "messages/ids.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace nexus::messages {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// A seed from the OS; falls back to the clock and thread id if the
/// random device is unavailable (it may throw).
std::seed_seq::result_type os_entropy(unsigned salt) {
  try {
    std::random_device rd;
    return rd();
  } catch (...) {
    auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    auto id = std::hash<std::thread::id>{}(std::this_thread::get_id());
    return static_cast<std::seed_seq::result_type>(t ^ id ^ salt);
  }
}

/// This thread's generator, seeded once from the OS.
std::mt19937_64& thread_rng() {
  thread_local std::mt19937_64 gen = [] {
    std::seed_seq seq{os_entropy(1), os_entropy(2), os_entropy(3),
                      os_entropy(4), os_entropy(5), os_entropy(6),
                      os_entropy(7), os_entropy(8)};
    return std::mt19937_64{seq};
  }();
  return gen;
}

/// Writes `v` as 16 lower-case hex digits at `out`.
void write_hex64(char* out, uint64_t v) {
  for (int i = 15; i >= 0; --i) {
    out[i] = hex_digits[v & 0xf];
    v >>= 4;
  }
}

/// The splitmix64 finalizer: a bijection on 64-bit values, so distinct
/// inputs give distinct (and unpredictable-looking) outputs.
uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Writes `v` as `width` decimal digits (zero-padded) at `out`.
void write_dec(char* out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`).
struct civil_date {
  int64_t year;
  int64_t month;
  int64_t day;
};

civil_date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

} // namespace

std::string make_uuid() {
  auto& gen = thread_rng();
  uint64_t hi = gen();
  uint64_t lo = gen();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;           // version 4
  lo = (lo & ~(0xcULL << 60)) | (0x8ULL << 60); // variant 10xx
  char digits[32];
  write_hex64(digits, hi);
  write_hex64(digits + 16, lo);
  std::string out(36, '-');
  // Groups of 8-4-4-4-12 hex digits.
  constexpr int group_end[] = {8, 12, 16, 20, 32};
  int src = 0;
  int dst = 0;
  for (int end : group_end) {
    while (src < end)
      out[dst++] = digits[src++];
    ++dst; // skip the dash
  }
  return out;
}

std::string make_message_id() {
  static const uint64_t base = thread_rng()();
  static std::atomic<uint64_t> counter{0};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::string out = "msg_0123456789abcdef";
  write_hex64(out.data() + 4, mix64(base + n));
  return out;
}

int64_t unix_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

std::string rfc3339_now() {
  return rfc3339(unix_millis());
}

std::string rfc3339(int64_t unix_ms) {
  constexpr int64_t ms_per_day = 86'400'000;
  int64_t days = unix_ms / ms_per_day;
  int64_t rest = unix_ms % ms_per_day;
  if (rest < 0) {
    rest += ms_per_day;
    --days;
  }
  auto date = civil_from_days(days);
  std::string out = "0000-00-00T00:00:00.000Z";
  write_dec(out.data(), std::clamp<int64_t>(date.year, 0, 9999), 4);
  write_dec(out.data() + 5, date.month, 2);
  write_dec(out.data() + 8, date.day, 2);
  write_dec(out.data() + 11, rest / 3'600'000, 2);
  write_dec(out.data() + 14, rest / 60'000 % 60, 2);
  write_dec(out.data() + 17, rest / 1000 % 60, 2);
  write_dec(out.data() + 20, rest % 1000, 3);
  return out;
}

} // namespace nexus::messages
