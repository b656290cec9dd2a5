// Where a gs:// mirror's endpoint, credentials and CA come from.
//
// Credentials, first found wins: the mirror's access_token_variable (Spack's
// mirrors.yaml key) or credentials_file setting, then the environment as
// Google's tools read it: GOOGLE_OAUTH_ACCESS_TOKEN (a bearer token used as
// is), GOOGLE_APPLICATION_CREDENTIALS (a service-account key file). None:
// anonymous requests, which public buckets allow.
// Endpoint: the mirror's endpoint_url, else STORAGE_EMULATOR_HOST (honoured
// by Google's client libraries), else https://storage.googleapis.com.
// CA bundle: the mirror's ca_bundle, else SPACK_EXT_CA_BUNDLE.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <spackext/http/client.hpp>

namespace spackext::mirrors::gcs {

inline constexpr const char* kDefaultEndpoint = "https://storage.googleapis.com";
inline constexpr const char* kDefaultTokenUri = "https://oauth2.googleapis.com/token";

struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PEM
  std::string private_key_id;
  std::string token_uri = kDefaultTokenUri;
  std::string file;  // where it was read from, for messages
};

// InputError naming the file (never its content) when it is unreadable or
// not a service-account key.
ServiceAccountKey load_service_account_key(const std::filesystem::path& file);
ServiceAccountKey parse_service_account_key(const std::string& json_text, const std::string& where);

struct GcsSettings {
  std::string endpoint = kDefaultEndpoint;  // scheme://host[:port], no trailing slash
  std::string access_token;                 // a ready bearer token, or empty
  std::optional<ServiceAccountKey> service_account;
  std::string ca_bundle;
  bool anonymous() const { return access_token.empty() && !service_account; }
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// InputError when a setting names a variable that is unset or a bad key file.
GcsSettings resolve_settings(const nlohmann::json& mirror_settings, const EnvLookup& env = process_env());

// "host:port" -> "http://host:port" (emulator convention), strips a trailing '/'.
std::string normalize_endpoint(std::string endpoint, const char* default_scheme);

// Access tokens for a service account, exchanged at its token_uri and reused
// until shortly before they expire. Safe to use from many threads; one
// exchange at a time.
class ServiceAccountTokens {
 public:
  // Decides when a cached token is due for refresh (tests move it forward).
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  ServiceAccountTokens(ServiceAccountKey key, http::ClientOptions http, Clock clock = {});
  // A valid token, exchanging a new one when none is cached or it is about to expire.
  std::string token();
  // The server refused `token` (401): forget it so the next call exchanges anew.
  void invalidate(const std::string& token);
  int exchanges() const;
  const ServiceAccountKey& key() const { return key_; }

 private:
  std::string exchange_locked();
  ServiceAccountKey key_;
  http::ClientOptions http_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::string token_;
  std::chrono::system_clock::time_point refresh_at_{};
  int exchanges_ = 0;
};

}  // namespace spackext::mirrors::gcs
