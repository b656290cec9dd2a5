// Throwaway RSA keys made at test time (never committed) and the
// service-account key files Google issues, built around them.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace spackext::mirrors::gcs::test {

struct RsaTestKey {
  std::string private_pem;  // PKCS#8 "BEGIN PRIVATE KEY", as in Google's key files
  std::string public_pem;   // SubjectPublicKeyInfo "BEGIN PUBLIC KEY"
};

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline RsaTestKey generate_rsa_test_key(unsigned bits = 2048) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(bits), EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_RSA_gen failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free), pub(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1)
    throw std::runtime_error("PEM export failed");
  return {bio_text(priv.get()), bio_text(pub.get())};
}

// The JSON of a service-account key file, with the fields Google puts in one.
inline std::string service_account_json(const std::string& email, const RsaTestKey& key, const std::string& token_uri,
                                        const std::string& key_id = "0123456789abcdef") {
  return nlohmann::json{{"type", "service_account"},
                        {"project_id", "spack-ext-tests"},
                        {"private_key_id", key_id},
                        {"private_key", key.private_pem},
                        {"client_email", email},
                        {"client_id", "100000000000000000001"},
                        {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                        {"token_uri", token_uri}}
      .dump(2);
}

// The base64 body of a PEM (what a leak of the key into a message would show).
inline std::string pem_body_line(const std::string& pem) {
  auto start = pem.find('\n') + 1;
  return pem.substr(start, pem.find('\n', start) - start);
}

}  // namespace spackext::mirrors::gcs::test
