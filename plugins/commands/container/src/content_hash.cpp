#include "content_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include <spackext/errors.hpp>

namespace spackext::container {

namespace fs = std::filesystem;

namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  // Length-prefixed, so ("ab","c") and ("a","bc") differ.
  void field(const std::string& s) {
    const std::uint64_t n = s.size();
    EVP_DigestUpdate(ctx_.get(), &n, sizeof n);
    EVP_DigestUpdate(ctx_.get(), s.data(), s.size());
  }
  void file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error("cannot read " + p.string());
    std::vector<char> buf(1 << 16);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
      EVP_DigestUpdate(ctx_.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
    field("");  // end marker
  }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace

std::string content_hash(const ContainerDefinition& def) {
  Sha256 h;
  h.field(def.arch);
  h.field(to_string(def.kind));
  h.field(def.text);
  for (const auto& m : def.files) {
    h.field(m.target);
    std::error_code ec;
    if (fs::is_directory(m.resolved, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(m.resolved, ec))
        if (e.is_regular_file(ec)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        h.field(f.lexically_relative(m.resolved).string());
        h.file(f);
      }
    } else {
      h.field(m.source);
      h.file(m.resolved);
    }
  }
  return h.hex();
}

}  // namespace spackext::container
