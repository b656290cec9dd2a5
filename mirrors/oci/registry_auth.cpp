#include "registry_auth.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <spackext/errors.hpp>

#include "challenge.hpp"

namespace spackext::mirrors::oci {

namespace {

// Tokens are renewed this long before they expire (at most half their
// lifetime), so one does not run out in the middle of a request.
constexpr long long kExpiryMarginSeconds = 15;

}  // namespace

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

RegistryAuth::RegistryAuth(http::Client& client, RegistryCredentials credentials, std::string mirror, bool plain_http)
    : client_(client), credentials_(std::move(credentials)), mirror_(std::move(mirror)), plain_http_(plain_http) {
  if (!credentials_.empty()) basic_ = "Basic " + base64(credentials_.username + ":" + credentials_.password);
}

std::string RegistryAuth::authorization(const std::string& scope) {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(scope);
  if (it != tokens_.end() && std::chrono::steady_clock::now() < it->second.renew_at)
    return "Bearer " + it->second.value;
  if (use_basic_) return basic_;
  return {};
}

void RegistryAuth::on_unauthorized(const http::Response& response, const std::string& scope,
                                   const std::string& object) {
  const std::string where = "mirror '" + mirror_ + "': " + object;
  auto challenges = parse_challenges(response.header("www-authenticate"));
  const Challenge* bearer = nullptr;
  const Challenge* basic = nullptr;
  for (const auto& c : challenges) {
    if (c.scheme == "bearer" && !bearer) bearer = &c;
    if (c.scheme == "basic" && !basic) basic = &c;
  }
  std::lock_guard lock(mutex_);
  if (bearer) {
    const auto realm = bearer->param("realm");
    if (realm.empty()) throw InputError(where, "registry sent a Bearer challenge without a realm");
    // The challenge's scope says exactly what this request needs (DELETE may
    // need more than push); fall back to ours.
    const auto wanted = bearer->param("scope").empty() ? scope : bearer->param("scope");
    fetch_token(realm, bearer->param("service"), wanted, scope, object);
    return;
  }
  if (basic) {
    if (credentials_.empty())
      throw InputError(where, "the registry requires a username and password (Basic realm \"" + basic->param("realm") +
                                  "\"); set access_pair in the mirror's configuration");
    if (use_basic_)
      throw InputError(where, "the registry refused the username and password from the mirror's access_pair");
    use_basic_ = true;
    return;
  }
  throw InputError(where, "unauthorized, and the registry's WWW-Authenticate challenge is neither Basic nor Bearer");
}

void RegistryAuth::fetch_token(const std::string& realm, const std::string& service, const std::string& scope,
                               const std::string& cache_scope, const std::string& object) {
  const std::string where = "mirror '" + mirror_ + "': " + object;
  if (realm.rfind("https://", 0) != 0 && !(plain_http_ && realm.rfind("http://", 0) == 0))
    throw InputError(where, "the registry's token realm '" + realm + "' is not https; refusing to authenticate there");
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  if (!service.empty()) url += "service=" + http::url_encode(service) + "&";
  url += "scope=" + http::url_encode(scope) + "&client_id=spack-ext";
  http::Request req{.method = "GET", .url = url};
  if (!basic_.empty()) req.headers.emplace_back("Authorization", basic_);
  auto res = client_.send(req);
  if (res.status == 401 || res.status == 403)
    throw InputError(where, credentials_.empty()
                                ? "the registry's token service requires credentials; set access_pair in the mirror's configuration"
                                : "the registry's token service refused the credentials from the mirror's access_pair");
  http::check(res, where + ": token request to " + realm);
  auto doc = nlohmann::json::parse(res.body, nullptr, false);
  std::string token;
  if (doc.is_object()) {
    if (doc.contains("token") && doc["token"].is_string()) token = doc["token"].get<std::string>();
    if (token.empty() && doc.contains("access_token") && doc["access_token"].is_string())
      token = doc["access_token"].get<std::string>();
  }
  if (token.empty()) throw Error(where + ": the token service's reply has no token");
  // The token spec's default lifetime is 60 s when expires_in is absent.
  long long lifetime = 60;
  if (doc.contains("expires_in") && doc["expires_in"].is_number_integer()) lifetime = doc["expires_in"].get<long long>();
  const auto margin = std::min(kExpiryMarginSeconds, lifetime / 2);
  tokens_[cache_scope] = Token{token, std::chrono::steady_clock::now() + std::chrono::seconds(lifetime - margin)};
}

}  // namespace spackext::mirrors::oci
