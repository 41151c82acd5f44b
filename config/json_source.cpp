// The JSON file source: reads the file, parses it with comments allowed and
// walks it strictly, so an unknown key anywhere is a problem naming its path.
#include "config/sources.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

namespace nexus::config {

namespace {

using nlohmann::json;

/// nlohmann's message without its `[json.exception.parse_error.101] ` tag.
std::string parse_message(const json::parse_error& e) {
  std::string msg = e.what();
  auto tag_end = msg.find("] ");
  if (msg.rfind("[json.exception.", 0) == 0 && tag_end != std::string::npos)
    msg.erase(0, tag_end + 2);
  return "invalid JSON: " + msg;
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

/// Collects the settings of one JSON object at `prefix` ("" for the root).
reading walk(const json& object, const std::string& prefix) {
  reading out;
  for (const auto& [key, item] : object.items()) {
    auto path = join(prefix, key);
    if (key.find('.') != std::string::npos) // No flattened `limits.x` keys.
      out.problems.push_back({path, "unknown key"});
    else if (const auto* s = find_by_path(path))
      out.add(*s, from_json(*s, item), path);
    else if (!is_section(path))
      out.problems.push_back({path, "unknown key"});
    else if (!item.is_object())
      out.problems.push_back({path, "must be an object, got " + show(item)});
    else
      out.add(walk(item, path));
  }
  return out;
}

} // namespace

reading read_json(std::string_view text, const std::string& origin) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr,
                      /*allow_exceptions*/ true, /*ignore_comments*/ true);
  } catch (const json::parse_error& e) {
    return {{}, {{origin, parse_message(e)}}};
  }
  if (!doc.is_object())
    return {{}, {{origin, "must hold a JSON object ({...})"}}};
  return walk(doc, "");
}

reading read_file(const std::string& path) {
  // C stdio reports read errors (EISDIR, EIO) through errno, never throws.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{
      std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!file)
    return {{}, {{path, "cannot open: " + std::string{std::strerror(errno)}}}};
  std::string text;
  char chunk[4096];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0)
    text.append(chunk, n);
  if (std::ferror(file.get()))
    return {{}, {{path, "cannot read: " + std::string{std::strerror(errno)}}}};
  return read_json(text, path);
}

} // namespace nexus::config
