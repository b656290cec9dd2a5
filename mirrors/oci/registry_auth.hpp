// Registry authentication, learnt from the registry's 401 challenges:
// - Basic: the mirror's credentials on every request once the registry asked.
// - Bearer (the Docker token protocol): GET <realm>?service=..&scope=.. (with
//   the Basic credentials when configured), use the reply's `token` (or
//   `access_token`), cached per scope until shortly before it expires.
// Thread-safe; one instance per store.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <spackext/http/client.hpp>

#include "credentials.hpp"

namespace spackext::mirrors::oci {

class RegistryAuth {
 public:
  // `mirror` names the mirror in errors; `plain_http` allows sending
  // credentials to an http:// token realm (only for oci+http:// mirrors).
  RegistryAuth(http::Client& client, RegistryCredentials credentials, std::string mirror, bool plain_http);

  // The Authorization header value for a request needing `scope`
  // ("repository:name:pull"), or empty when none is known to be needed.
  std::string authorization(const std::string& scope);

  // After a 401 on `object`: learns the challenge, fetches a token if it is a
  // Bearer one. InputError (naming mirror and object) when the registry needs
  // credentials that are not configured, or refuses the ones given.
  void on_unauthorized(const http::Response& response, const std::string& scope, const std::string& object);

  // Basic credentials header ("Basic base64(user:pass)"), empty without credentials.
  const std::string& basic_header() const { return basic_; }

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point renew_at;
  };
  void fetch_token(const std::string& realm, const std::string& service, const std::string& scope,
                   const std::string& cache_scope, const std::string& object);

  http::Client& client_;
  RegistryCredentials credentials_;
  std::string mirror_;
  bool plain_http_;
  std::string basic_;
  std::mutex mutex_;
  bool use_basic_ = false;
  std::map<std::string, Token> tokens_;  // by scope
};

std::string base64(const std::string& bytes);

}  // namespace spackext::mirrors::oci
