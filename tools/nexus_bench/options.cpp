// Parses `--name value` pairs into bench_options and checks them.
#include "options.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

namespace nexus::bench {

namespace {

using setter = std::function<void(bench_options&, const std::string&)>;

uint32_t to_u32(const std::string& s) {
  size_t used = 0;
  auto v = std::stoul(s, &used);
  if (used != s.size() || v > UINT32_MAX)
    throw std::invalid_argument(s);
  return static_cast<uint32_t>(v);
}

double to_double(const std::string& s) {
  size_t used = 0;
  auto v = std::stod(s, &used);
  if (used != s.size() || !std::isfinite(v) || v < 0)
    throw std::invalid_argument(s);
  return v;
}

/// Splits ws://host:port/path; throws on anything else.
void parse_url(bench_options& o, const std::string& url) {
  const std::string scheme = "ws://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    throw std::invalid_argument("only ws:// URLs are supported");
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("the URL needs a port");
  o.host = authority.substr(0, colon);
  auto port = to_u32(authority.substr(colon + 1));
  if (port == 0 || port > 65535)
    throw std::invalid_argument("bad port");
  o.port = static_cast<uint16_t>(port);
}

void set_subprotocol(bench_options& o, const std::string& s) {
  if (s == "nexus-json" || s == "none")
    o.format = dialect::nexus;
  else if (s == "neurograph-json")
    o.format = dialect::neurograph;
  else
    throw std::invalid_argument("nexus-json, neurograph-json or none");
  o.subprotocol = s;
}

void set_dialect(bench_options& o, const std::string& s) {
  if (s != "nexus" && s != "neurograph")
    throw std::invalid_argument("nexus or neurograph");
  o.format = s == "nexus" ? dialect::nexus : dialect::neurograph;
}

const std::map<std::string, setter>& setters() {
  using o_t = bench_options;
  using s_t = const std::string&;
  static const std::map<std::string, setter> table{
      {"--url", parse_url},
      {"--connections", [](o_t& o, s_t s) { o.connections = to_u32(s); }},
      {"--duration", [](o_t& o, s_t s) { o.duration_s = to_double(s); }},
      {"--warmup", [](o_t& o, s_t s) { o.warmup_s = to_double(s); }},
      {"--threads", [](o_t& o, s_t s) { o.threads = to_u32(s); }},
      {"--subprotocol", set_subprotocol},
      {"--dialect", set_dialect},
      {"--window", [](o_t& o, s_t s) { o.window = to_u32(s); }},
      {"--rate", [](o_t& o, s_t s) { o.rate = to_double(s); }},
      {"--sources", [](o_t& o, s_t s) { o.sources = to_u32(s); }},
      {"--tick-us", [](o_t& o, s_t s) { o.tick_us = to_u32(s); }},
      {"--connect-parallel",
       [](o_t& o, s_t s) { o.connect_parallel = to_u32(s); }},
      {"--drain", [](o_t& o, s_t s) { o.drain_s = to_double(s); }},
  };
  return table;
}

/// Returns an error message, or an empty string when `o` is usable.
std::string check(bench_options& o) {
  if (o.connections == 0 || o.threads == 0 || o.window == 0 ||
      o.connect_parallel == 0 || o.tick_us == 0)
    return "--connections, --threads, --window, --connect-parallel and "
           "--tick-us must be positive";
  if (o.duration_s <= 0)
    return "--duration must be positive";
  if (o.sources == 0)
    o.sources = (o.connections + 19999) / 20000;
  if (o.sources > 254)
    return "--sources: at most 254 (127.0.0.1 … 127.0.0.254)";
  return {};
}

} // namespace

std::string usage() {
  return "usage: nexus-bench [options]\n"
         "  --url ws://HOST:PORT/PATH  target (ws://127.0.0.1:8080/ws)\n"
         "  --connections N            WebSocket connections (100)\n"
         "  --duration S               measured seconds (10)\n"
         "  --warmup S                 unmeasured seconds first (2)\n"
         "  --threads T                Asio threads (1)\n"
         "  --subprotocol P            nexus-json|neurograph-json|none\n"
         "  --dialect D                request envelope nexus|neurograph\n"
         "                             (default: from the subprotocol)\n"
         "  --window W                 closed loop: in flight per conn (1)\n"
         "  --rate R                   open loop: total requests/s\n"
         "  --tick-us U                open loop: release period (100)\n"
         "  --sources K                bind to 127.0.0.1..K round-robin\n"
         "                             (ceil(N/20000))\n"
         "  --connect-parallel C       handshakes at once (64)\n"
         "  --drain S                  wait for late answers (2)\n"
         "  --json                     also print one JSON line on stdout\n";
}

parse_result parse_options(int argc, char** argv) {
  bench_options opts;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name == "--help" || name == "-h")
      return std::string{"help"};
    if (name == "--json") {
      opts.json = true;
      continue;
    }
    auto it = setters().find(name);
    if (it == setters().end())
      return "unknown option " + name + "\n" + usage();
    if (i + 1 >= argc)
      return name + " needs a value";
    try {
      it->second(opts, argv[++i]);
    } catch (const std::exception& e) {
      return name + ": invalid value '" + argv[i] + "' (" + e.what() + ")";
    }
  }
  if (auto err = check(opts); !err.empty())
    return err;
  return opts;
}

} // namespace nexus::bench
