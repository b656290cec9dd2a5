#include "buildcache/mirror_access.hpp"

#include <spackext/errors.hpp>

namespace spackext::buildcache {

std::string url_scheme(const std::string& url) {
  auto pos = url.find("://");
  if (pos == std::string::npos || pos == 0)
    throw InputError("'" + redact_url(url) + "'", "not a mirror name or URL (expected scheme://...)");
  auto scheme = url.substr(0, pos);
  for (char c : scheme)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
      throw InputError("'" + redact_url(url) + "'", "malformed URL scheme '" + scheme + "'");
  if (url.size() == pos + 3) throw InputError("'" + url + "'", "URL has nothing after the scheme");
  return scheme;
}

std::string redact_url(const std::string& url) {
  auto pos = url.find("://");
  if (pos == std::string::npos) return url;
  auto host_start = pos + 3;
  auto path = url.find('/', host_start);
  auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + "***@" + url.substr(at + 1);
}

OpenedMirror open_mirror(Registry& registry, const MirrorsConfig& config, const std::string& name_or_url,
                         bool push) {
  OpenedMirror m;
  m.name = name_or_url;
  Json settings = Json::object();
  if (config.contains(name_or_url)) {
    auto ep = push ? config.push(name_or_url) : config.fetch(name_or_url);
    if (!ep)
      throw InputError("mirror '" + name_or_url + "'", push ? "is fetch-only (no push URL)" : "has no fetch URL");
    m.url = ep->url;
    settings = ep->settings;
    m.signed_ = config.signed_(name_or_url);
    settings["url"] = m.url;
  } else if (!name_or_url.empty() && name_or_url.front() == '/') {
    m.url = "file://" + name_or_url;
  } else if (name_or_url.find("://") == std::string::npos) {
    throw InputError("mirror '" + name_or_url + "'",
                     "no such mirror configured (see `buildcache list-mirrors`) and not a URL");
  } else {
    m.url = name_or_url;
  }
  auto scheme = url_scheme(m.url);
  std::shared_ptr<MirrorBackend> backend;
  try {
    backend = registry.get<MirrorBackend>(scheme);
  } catch (const ServiceNotFound& e) {
    throw InputError("mirror '" + redact_url(name_or_url) + "'",
                     "unknown URL scheme '" + scheme + "': " + e.what());
  }
  nlohmann::json plain = nlohmann::json::parse(settings.dump());
  m.store = backend->open(m.url, plain);
  return m;
}

}  // namespace spackext::buildcache
