#include "pagination.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>

namespace spackext::mirrors::oci {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "scheme://host[:port]" of an absolute URL.
std::string origin(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos) return {};
  auto slash = url.find('/', p + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace

std::optional<std::string> next_page_url(const std::string& link_header, const std::string& request_url) {
  // Link values: <target>; param; param, <target>; ...
  std::size_t i = 0;
  while (i < link_header.size()) {
    auto open = link_header.find('<', i);
    if (open == std::string::npos) break;
    auto close = link_header.find('>', open);
    if (close == std::string::npos) break;
    auto target = link_header.substr(open + 1, close - open - 1);
    auto next_open = link_header.find('<', close);
    auto params = lower(link_header.substr(close + 1, next_open == std::string::npos ? std::string::npos
                                                                                      : next_open - close - 1));
    i = next_open == std::string::npos ? link_header.size() : next_open;
    // rel may be quoted or not and may list several relation types.
    auto rel = params.find("rel=");
    if (rel == std::string::npos) continue;
    auto value = params.substr(rel + 4);
    if (!value.empty() && value.front() == '"') value = value.substr(1, value.find('"', 1) - 1);
    else value = value.substr(0, value.find_first_of(" ;,"));
    bool is_next = false;
    for (std::size_t s = 0; s <= value.size();) {
      auto e = value.find(' ', s);
      if (value.substr(s, e == std::string::npos ? std::string::npos : e - s) == "next") is_next = true;
      if (e == std::string::npos) break;
      s = e + 1;
    }
    if (!is_next) continue;
    if (target.find("://") != std::string::npos) return target;
    if (!target.empty() && target.front() == '/') return origin(request_url) + target;
    // Relative to the request's path (rare; no registry known to do it).
    auto q = request_url.find('?');
    auto base = request_url.substr(0, q);
    return base.substr(0, base.rfind('/') + 1) + target;
  }
  return std::nullopt;
}

void append_tags_page(const std::string& body, const std::string& where, std::vector<std::string>& tags) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw InputError(where, "tag list is not a JSON object");
  if (!doc.contains("tags") || doc["tags"].is_null()) return;
  if (!doc["tags"].is_array()) throw InputError(where, "tag list has no \"tags\" array");
  for (const auto& t : doc["tags"]) {
    if (!t.is_string()) throw InputError(where, "tag list holds a non-string tag");
    tags.push_back(t.get<std::string>());
  }
}

}  // namespace spackext::mirrors::oci
