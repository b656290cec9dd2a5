// WWW-Authenticate challenges (RFC 7235) as registries send them on a 401:
//   Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"
//   Basic realm="ci-registry"
#pragma once

#include <map>
#include <string>
#include <vector>

namespace spackext::mirrors::oci {

struct Challenge {
  std::string scheme;                         // lower-cased: "bearer", "basic"
  std::map<std::string, std::string> params;  // lower-cased names, unquoted values
  std::string param(const std::string& name) const;
};

// Every challenge in the header value (several may be joined with ", ").
std::vector<Challenge> parse_challenges(const std::string& header);

}  // namespace spackext::mirrors::oci
