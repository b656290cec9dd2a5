// SHA-256 with OpenSSL (the EVP interface uses SHA-NI where the CPU has it).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace spackext::buildcache {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  // Lowercase hex of the digest; the object cannot be updated afterwards.
  std::string hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
// True for 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace spackext::buildcache
