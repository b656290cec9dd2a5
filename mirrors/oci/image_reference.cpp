#include "image_reference.hpp"

#include <cctype>

#include <spackext/errors.hpp>

namespace spackext::mirrors::oci {

namespace {

// Docker's rule (distribution/reference): a first path component is a
// registry if it has a dot or a port, or is "localhost".
bool looks_like_registry(const std::string& component) {
  return component.find('.') != std::string::npos || component.find(':') != std::string::npos ||
         component == "localhost";
}

bool valid_repository(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '/' ||
          c == '.' || c == '_' || c == '-'))
      return false;
  return name.find("//") == std::string::npos;
}

}  // namespace

std::string RepositoryLocation::api(const std::string& rest) const {
  return base_url + "/v2/" + repository + "/" + rest;
}

RepositoryLocation parse_mirror_url(const std::string& url) {
  RepositoryLocation out;
  std::string rest;
  if (url.rfind("oci://", 0) == 0) {
    rest = url.substr(6);
  } else if (url.rfind("oci+http://", 0) == 0) {
    rest = url.substr(11);
    out.tls = false;
  } else {
    throw InputError(url, "not an oci:// or oci+http:// URL");
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('@') != std::string::npos)
    throw InputError(url, "an OCI mirror URL names a repository, not a digest (drop '@...'; "
                          "credentials belong in the mirror's access_pair)");
  auto slash = rest.find('/');
  const auto first = rest.substr(0, slash);
  if (slash != std::string::npos && looks_like_registry(first)) {
    out.registry = first;
    out.repository = rest.substr(slash + 1);
  } else {
    out.registry = "index.docker.io";
    out.repository = slash == std::string::npos ? "library/" + rest : rest;
  }
  // A ":tag" can only appear in the last component (the registry's port was split off above).
  auto last = out.repository.rfind('/');
  if (out.repository.find(':', last == std::string::npos ? 0 : last) != std::string::npos)
    throw InputError(url, "an OCI mirror URL names a repository, not a tag (drop ':<tag>')");
  if (out.registry.empty() || !valid_repository(out.repository))
    throw InputError(url, "'" + out.repository +
                              "' is not a valid repository name (lowercase letters, digits, '.', '_', '-', '/')");
  out.base_url = std::string(out.tls ? "https://" : "http://") + out.registry;
  return out;
}

}  // namespace spackext::mirrors::oci
