#include "credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <spackext/errors.hpp>

#include "jwt.hpp"

namespace spackext::mirrors::gcs {

namespace fs = std::filesystem;

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

ServiceAccountKey parse_service_account_key(const std::string& text, const std::string& where) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw InputError(where, "not a JSON service-account key file");
  if (j.contains("type") && j["type"] != "service_account")
    throw InputError(where, "credentials of type '" + j["type"].dump() +
                                "' are not supported (use a service-account key, or GOOGLE_OAUTH_ACCESS_TOKEN)");
  ServiceAccountKey key;
  key.file = where;
  for (auto [field, out] : {std::pair{"client_email", &key.client_email}, std::pair{"private_key", &key.private_key}}) {
    if (!j.contains(field) || !j[field].is_string() || j[field].get<std::string>().empty())
      throw InputError(where, std::string("service-account key without '") + field + "'");
    *out = j[field].get<std::string>();
  }
  if (j.contains("private_key_id") && j["private_key_id"].is_string()) key.private_key_id = j["private_key_id"];
  if (j.contains("token_uri") && j["token_uri"].is_string() && !j["token_uri"].get<std::string>().empty())
    key.token_uri = j["token_uri"];
  return key;
}

ServiceAccountKey load_service_account_key(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot read the service-account key file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_service_account_key(text.str(), file.string());
}

std::string normalize_endpoint(std::string endpoint, const char* default_scheme) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.find("://") == std::string::npos) endpoint = std::string(default_scheme) + "://" + endpoint;
  return endpoint;
}

GcsSettings resolve_settings(const nlohmann::json& settings, const EnvLookup& env) {
  GcsSettings out;
  auto setting = [&](const char* key) -> std::string {
    if (!settings.is_object() || !settings.contains(key) || !settings[key].is_string()) return {};
    return settings[key].get<std::string>();
  };
  auto nonempty_env = [&](const char* name) -> std::string {
    auto v = env(name);
    return v ? *v : std::string();
  };

  if (auto e = setting("endpoint_url"); !e.empty())
    out.endpoint = normalize_endpoint(e, "https");
  else if (auto emu = nonempty_env("STORAGE_EMULATOR_HOST"); !emu.empty())
    out.endpoint = normalize_endpoint(emu, "http");  // emulators speak plain HTTP unless a scheme says otherwise

  out.ca_bundle = setting("ca_bundle");
  if (out.ca_bundle.empty()) out.ca_bundle = nonempty_env("SPACK_EXT_CA_BUNDLE");

  if (auto var = setting("access_token_variable"); !var.empty()) {
    auto v = env(var);
    if (!v || v->empty())
      throw InputError("mirror setting access_token_variable", "environment variable '" + var + "' is not set");
    out.access_token = *v;
  } else if (auto file = setting("credentials_file"); !file.empty()) {
    out.service_account = load_service_account_key(file);
  } else if (auto tok = nonempty_env("GOOGLE_OAUTH_ACCESS_TOKEN"); !tok.empty()) {
    out.access_token = tok;
  } else if (auto file = nonempty_env("GOOGLE_APPLICATION_CREDENTIALS"); !file.empty()) {
    out.service_account = load_service_account_key(file);
  }
  return out;
}

ServiceAccountTokens::ServiceAccountTokens(ServiceAccountKey key, http::ClientOptions http, Clock clock)
    : key_(std::move(key)), http_(std::move(http)), clock_(clock ? std::move(clock) : [] {
        return std::chrono::system_clock::now();
      }) {
  http_.secrets.push_back(key_.private_key);
}

std::string ServiceAccountTokens::token() {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && clock_() < refresh_at_) return token_;
  return exchange_locked();
}

void ServiceAccountTokens::invalidate(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (token_ == token) token_.clear();  // another thread may already hold a newer one
}

int ServiceAccountTokens::exchanges() const {
  std::lock_guard lock(mutex_);
  return exchanges_;
}

std::string ServiceAccountTokens::exchange_locked() {
  const auto now = clock_();
  // The assertion carries the real time: the token server checks it against its own clock.
  const auto assertion = sign_jwt_rs256(
      service_account_claims(key_.client_email, key_.token_uri, std::chrono::system_clock::now()),
                                        key_.private_key, key_.private_key_id);
  auto options = http_;
  options.secrets.push_back(assertion);
  http::Client client(options);  // a client of its own: its secrets include this assertion
  http::Request r;
  r.method = "POST";
  r.url = key_.token_uri;
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  r.body = "grant_type=" + http::url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
           "&assertion=" + http::url_encode(assertion);
  const std::string who = "service account " + key_.client_email + " (" + key_.file + ")";
  auto res = client.send(r);
  if (res.status >= 400) {
    // OAuth errors are {"error": ..., "error_description": ...}: safe to show, and what the user needs.
    std::string reason;
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (j.contains("error") && j["error"].is_string()) reason = j["error"];
      if (j.contains("error_description") && j["error_description"].is_string())
        reason += (reason.empty() ? "" : ": ") + j["error_description"].get<std::string>();
    }
    const auto text = "token endpoint " + client.redact(key_.token_uri) + " refused the key (HTTP " +
                      std::to_string(res.status) + (reason.empty() ? "" : ", " + client.redact(reason)) + ")";
    if (res.status == 400 || res.status == 401 || res.status == 403) throw InputError(who, text);
    throw Error(who + ": " + text);
  }
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
    throw Error(who + ": token endpoint reply has no access_token");
  token_ = j["access_token"].get<std::string>();
  long long lifetime = 3600;
  if (j.contains("expires_in") && j["expires_in"].is_number()) lifetime = j["expires_in"].get<long long>();
  // Refresh a little early so a token never expires in flight: 5 minutes, or a
  // quarter of a short lifetime.
  const auto margin = std::min<long long>(300, lifetime / 4);
  refresh_at_ = now + std::chrono::seconds(lifetime - margin);
  ++exchanges_;
  return token_;
}

}  // namespace spackext::mirrors::gcs
