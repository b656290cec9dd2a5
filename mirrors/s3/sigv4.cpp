#include "sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include <spackext/http/client.hpp>

namespace spackext::mirrors::s3 {

namespace {

std::string hex(const unsigned char* d, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  return out;
}

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string format_time(std::chrono::system_clock::time_point t, const char* fmt) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Header values are trimmed and inner runs of spaces collapsed.
std::string canonical_value(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string hex_sha256(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

std::string encode_path(const std::string& path) { return http::url_encode(path, /*keep_slash=*/true); }
std::string encode_query_component(const std::string& s) { return http::url_encode(s, false); }

SignedHeaders sign_v4(const SignedRequestInput& in, const Credentials& creds) {
  const auto amz_date = format_time(in.time, "%Y%m%dT%H%M%SZ");
  const auto date = amz_date.substr(0, 8);
  std::vector<std::pair<std::string, std::string>> headers = in.headers;
  headers.emplace_back("host", in.host);
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", in.payload_sha256);
  if (!creds.session_token.empty()) headers.emplace_back("x-amz-security-token", creds.session_token);

  std::vector<std::pair<std::string, std::string>> canon;
  for (const auto& [k, v] : headers) canon.emplace_back(lower(k), canonical_value(v));
  std::sort(canon.begin(), canon.end());
  std::string canonical_headers, signed_names;
  for (const auto& [k, v] : canon) {
    canonical_headers += k + ":" + v + "\n";
    signed_names += (signed_names.empty() ? "" : ";") + k;
  }
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : in.query) q.emplace_back(encode_query_component(k), encode_query_component(v));
  std::sort(q.begin(), q.end());
  std::string canonical_query;
  for (const auto& [k, v] : q) canonical_query += (canonical_query.empty() ? "" : "&") + k + "=" + v;

  SignedHeaders out;
  out.canonical_request = in.method + "\n" + encode_path(in.path) + "\n" + canonical_query + "\n" +
                          canonical_headers + "\n" + signed_names + "\n" + in.payload_sha256;
  const auto scope = date + "/" + in.region + "/" + in.service + "/aws4_request";
  out.string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + hex_sha256(out.canonical_request);
  auto key = hmac("AWS4" + creds.secret_access_key, date);
  key = hmac(key, in.region);
  key = hmac(key, in.service);
  key = hmac(key, "aws4_request");
  const auto sig = hmac(key, out.string_to_sign);
  out.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                      ", SignedHeaders=" + signed_names +
                      ", Signature=" + hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  for (const auto& [k, v] : headers)
    if (lower(k) != "host") out.headers.emplace_back(k, v);
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace spackext::mirrors::s3
