// The signed JWT a Google service account trades for an access token
// (OAuth 2.0 JWT bearer grant, RFC 7523): header {"alg":"RS256","typ":"JWT"},
// claims {iss, scope, aud, iat, exp}, RSASSA-PKCS1-v1_5 over SHA-256 with
// the account's private key (OpenSSL EVP_DigestSign).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spackext::mirrors::gcs {

inline constexpr const char* kReadWriteScope = "https://www.googleapis.com/auth/devstorage.read_write";

// Base64url without padding, as JWTs use it.
std::string base64url(std::string_view bytes);

// header.claims.signature; `key_id` (the key file's private_key_id) goes into
// the header as "kid" when given. Throws Error if the PEM is not an RSA
// private key (the message never contains the key).
std::string sign_jwt_rs256(const nlohmann::json& claims, const std::string& private_key_pem,
                           const std::string& key_id = {});

// The claims Google's token endpoint expects from a service account.
nlohmann::json service_account_claims(const std::string& client_email, const std::string& token_uri,
                                      std::chrono::system_clock::time_point now,
                                      const std::string& scope = kReadWriteScope);

}  // namespace spackext::mirrors::gcs
