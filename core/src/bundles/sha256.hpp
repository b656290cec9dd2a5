// Streaming SHA-256 (OpenSSL EVP): bundle members are hashed as they are read.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace spackext::bundles {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex();  // finishes the digest

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view bytes);
// Hashes a file without reading it whole; throws Error if it cannot be read.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace spackext::bundles
