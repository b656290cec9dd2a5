// Streaming SHA-256 (OpenSSL EVP): blob digests are checked while the bytes
// pass through, never by holding a blob in memory.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace spackext::mirrors::oci {

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("cannot initialise SHA-256");
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  // Lower-case hex; call once.
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

inline std::string sha256_hex(const std::string& data) {
  Sha256Stream h;
  h.update(data.data(), data.size());
  return h.hex();
}

}  // namespace spackext::mirrors::oci
