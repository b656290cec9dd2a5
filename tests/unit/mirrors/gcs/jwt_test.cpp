// The service-account JWT: decoded and checked here with OpenSSL directly
// (base64 via EVP_DecodeBlock, signature via EVP_DigestVerify against the
// public half of a key generated for this test).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <spackext/errors.hpp>

#include "jwt.hpp"
#include "rsa_test_key.hpp"

namespace spackext::mirrors::gcs {
namespace {

std::string b64url_decode(std::string s) {
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  std::size_t pad = (4 - s.size() % 4) % 4;
  s.append(pad, '=');
  std::string out(s.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  EXPECT_GE(n, 0);
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool verify(const std::string& jwt, const std::string& public_pem) {
  auto dot = jwt.rfind('.');
  auto input = jwt.substr(0, dot), sig = b64url_decode(jwt.substr(dot + 1));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())),
                                                BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EXPECT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()), 1);
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

std::vector<std::string> parts(const std::string& jwt) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto dot = jwt.find('.'); dot != std::string::npos; start = dot + 1, dot = jwt.find('.', start))
    out.push_back(jwt.substr(start, dot - start));
  out.push_back(jwt.substr(start));
  return out;
}

TEST(GcsJwt, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 section 10 vectors, unpadded, and the two characters base64url changes.
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("foob"), "Zm9vYg");
  EXPECT_EQ(base64url("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url(std::string("\xfb\xff\xbf", 3)), "-_-_");
}

TEST(GcsJwt, ServiceAccountAssertionHasGooglesClaimsAndVerifies) {
  auto key = test::generate_rsa_test_key();
  const auto now = std::chrono::system_clock::from_time_t(1'750'000'000);
  auto claims = service_account_claims("mirror@proj.iam.gserviceaccount.com", "https://oauth2.googleapis.com/token", now);
  auto jwt = sign_jwt_rs256(claims, key.private_pem, "kid-1");
  auto p = parts(jwt);
  ASSERT_EQ(p.size(), 3u);
  for (const auto& part : p) EXPECT_EQ(part.find_first_of("+/="), std::string::npos) << part;
  auto header = nlohmann::json::parse(b64url_decode(p[0]));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["kid"], "kid-1");
  auto decoded = nlohmann::json::parse(b64url_decode(p[1]));
  EXPECT_EQ(decoded["iss"], "mirror@proj.iam.gserviceaccount.com");
  EXPECT_EQ(decoded["scope"], "https://www.googleapis.com/auth/devstorage.read_write");
  EXPECT_EQ(decoded["aud"], "https://oauth2.googleapis.com/token");
  EXPECT_EQ(decoded["iat"], 1'750'000'000);
  EXPECT_EQ(decoded["exp"], 1'750'000'000 + 3600);
  EXPECT_EQ(b64url_decode(p[2]).size(), 256u);  // RSA-2048 signature
  EXPECT_TRUE(verify(jwt, key.public_pem));
}

TEST(GcsJwt, SignatureFailsForTamperedClaimsOrAnotherKey) {
  auto key = test::generate_rsa_test_key(), other = test::generate_rsa_test_key();
  auto jwt = sign_jwt_rs256(service_account_claims("a@b", "https://t", std::chrono::system_clock::now()), key.private_pem);
  EXPECT_TRUE(verify(jwt, key.public_pem));
  EXPECT_FALSE(verify(jwt, other.public_pem));
  auto p = parts(jwt);
  auto claims = nlohmann::json::parse(b64url_decode(p[1]));
  claims["scope"] = "https://www.googleapis.com/auth/devstorage.full_control";
  auto forged = p[0] + "." + base64url(claims.dump()) + "." + p[2];
  EXPECT_FALSE(verify(forged, key.public_pem));
}

TEST(GcsJwt, NotAnRsaPrivateKeyIsRefusedWithoutQuotingIt) {
  const std::string garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n";
  try {
    sign_jwt_rs256({{"iss", "x"}}, garbage);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("c2VjcmV0"), std::string::npos) << e.what();
  }
  auto key = test::generate_rsa_test_key();
  EXPECT_THROW(sign_jwt_rs256({{"iss", "x"}}, key.public_pem), Error);  // a public key cannot sign
}

}  // namespace
}  // namespace spackext::mirrors::gcs
