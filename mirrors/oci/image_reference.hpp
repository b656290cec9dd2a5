// Where an oci:// or oci+http:// mirror URL points: a registry and one
// repository in it. Spack reads `oci://host[:port]/name/space` as an image
// reference, so a first component without a dot, a port or "localhost" is
// not a registry but part of a Docker Hub name (index.docker.io), and a
// single-component Hub name gets the "library/" namespace.
#pragma once

#include <string>

namespace spackext::mirrors::oci {

struct RepositoryLocation {
  std::string registry;    // host[:port] as written (index.docker.io by default)
  std::string repository;  // name/space, no tag
  std::string base_url;    // scheme://registry, no trailing slash
  bool tls = true;         // oci:// = https; oci+http:// = plain http

  // base_url + "/v2/" + repository + "/" + rest
  std::string api(const std::string& rest) const;
};

// InputError (naming the URL) if it is not an OCI mirror URL or names no
// repository. A tag or digest in the URL is refused: a mirror is a repository.
RepositoryLocation parse_mirror_url(const std::string& url);

}  // namespace spackext::mirrors::oci
