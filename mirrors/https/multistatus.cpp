#include "multistatus.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <ctime>
#include <sstream>

#include <spackext/errors.hpp>

namespace spackext::mirrors::https {

namespace {

using boost::property_tree::ptree;

std::string_view local_name(std::string_view qualified) {
  auto colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The first child with this local name, or nullptr.
const ptree* child(const ptree& node, std::string_view name) {
  for (const auto& [key, sub] : node)
    if (local_name(key) == name) return &sub;
  return nullptr;
}

std::string text(const ptree& node, std::string_view name) {
  const ptree* c = child(node, name);
  return c ? trim(c->data()) : std::string();
}

// "HTTP/1.1 200 OK" -> true
bool status_ok(const std::string& status) {
  std::istringstream in(status);
  std::string proto;
  int code = 0;
  in >> proto >> code;
  return code >= 200 && code < 300;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string href_path(std::string_view href) {
  if (auto scheme = href.find("://"); scheme != std::string_view::npos) {
    auto slash = href.find('/', scheme + 3);
    href = slash == std::string_view::npos ? std::string_view("/") : href.substr(slash);
  }
  if (auto q = href.find_first_of("?#"); q != std::string_view::npos) href = href.substr(0, q);
  return percent_decode(href);
}

std::string bare_etag(std::string_view etag) {
  if (etag.rfind("W/", 0) == 0) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(const std::string& text) {
  std::tm tm{};
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return std::nullopt;
  // A year the clock cannot hold (it counts nanoseconds: 1677 to 2262) is
  // unparsable too, not an overflow.
  const std::time_t t = timegm(&tm);
  using namespace std::chrono;
  constexpr auto limit = duration_cast<seconds>(system_clock::duration::max()).count();
  if (t == static_cast<std::time_t>(-1) || t <= -limit || t >= limit) return std::nullopt;
  return system_clock::from_time_t(t);
}

std::vector<DavEntry> parse_multistatus(const std::string& xml, const std::string& what) {
  ptree tree;
  std::istringstream in(xml);
  try {
    boost::property_tree::read_xml(in, tree);
  } catch (const std::exception& e) {
    throw Error(what + ": malformed PROPFIND reply: " + e.what());
  }
  const ptree* root = child(tree, "multistatus");
  if (!root) throw Error(what + ": PROPFIND reply is not a WebDAV multistatus document");
  std::vector<DavEntry> out;
  for (const auto& [name, response] : *root) {
    if (local_name(name) != "response") continue;
    DavEntry e;
    auto href = text(response, "href");
    if (href.empty()) continue;
    e.path = href_path(href);
    // An href that is only a query or a fragment ("?x", "#y") names no
    // resource: listing it would yield an object with an empty key.
    if (e.path.empty()) throw Error(what + ": response href '" + href + "' names no path");
    for (const auto& [pname, propstat] : response) {
      if (local_name(pname) != "propstat") continue;
      if (!status_ok(text(propstat, "status"))) continue;  // 404 block: properties the server lacks
      const ptree* prop = child(propstat, "prop");
      if (!prop) continue;
      if (const ptree* rt = child(*prop, "resourcetype"); rt && child(*rt, "collection")) e.collection = true;
      if (auto len = text(*prop, "getcontentlength"); !len.empty()) {
        try {
          e.size = std::stoull(len);
        } catch (const std::exception&) {
          throw Error(what + ": bad getcontentlength '" + len + "' for " + e.path);
        }
      }
      if (auto etag = text(*prop, "getetag"); !etag.empty()) e.etag = bare_etag(etag);
      if (auto lm = text(*prop, "getlastmodified"); !lm.empty()) e.modified = parse_http_date(lm);
    }
    // Some servers mark collections only by the trailing slash of the href.
    if (!e.path.empty() && e.path.back() == '/') e.collection = true;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace spackext::mirrors::https
