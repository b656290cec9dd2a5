// AWS Signature Version 4 for S3 requests, with OpenSSL HMAC/SHA-256.
// Canonicalisation follows botocore's S3SigV4Auth (path kept as given and
// %-encoded once, query sorted, every header given here signed).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace spackext::mirrors::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when none
  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

struct SignedRequestInput {
  std::string method;
  std::string host;          // Host header value (with :port when not default)
  std::string path;          // raw (unencoded) path, starting with '/'
  std::vector<std::pair<std::string, std::string>> query;  // raw (unencoded) pairs
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers to sign
  std::string payload_sha256;  // hex, or "UNSIGNED-PAYLOAD"
  std::string region;
  std::string service = "s3";
  std::chrono::system_clock::time_point time;
};

struct SignedHeaders {
  // The headers to send: host, x-amz-date, x-amz-content-sha256,
  // x-amz-security-token (if any), the given ones, and Authorization.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string canonical_request;  // for debugging and tests
  std::string string_to_sign;
  std::string authorization;
};

SignedHeaders sign_v4(const SignedRequestInput& in, const Credentials& creds);

// %-encoding of a path (keeping '/') and of query components, as S3 wants.
std::string encode_path(const std::string& path);
std::string encode_query_component(const std::string& s);
std::string hex_sha256(const std::string& data);

}  // namespace spackext::mirrors::s3
