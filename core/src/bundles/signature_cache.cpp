#include "bundles/signature_cache.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bundles/sha256.hpp"
#include "bundles/signature.hpp"

namespace spackext::bundles {
namespace fs = std::filesystem;

SignatureCache::SignatureCache(fs::path file, const std::vector<fs::path>& key_dirs) : file_(std::move(file)) {
  Sha256 keys;
  for (const auto& f : trusted_key_files(key_dirs)) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    keys.update(f.string());
    keys.update(std::string(1, '\0'));
    keys.update(text.str());
  }
  keys_digest_ = keys.hex();
  std::ifstream in(file_);
  if (!in) return;
  try {
    auto doc = nlohmann::json::parse(in);
    for (auto& [k, v] : doc.at("good").items()) entries_[k] = v.get<std::string>();
  } catch (const std::exception&) {
    entries_.clear();  // a damaged cache is rebuilt
  }
}

std::string SignatureCache::key(const std::string& manifest, const std::string& signature) const {
  return sha256_hex(keys_digest_ + "\n" + sha256_hex(manifest) + "\n" + sha256_hex(signature));
}

std::string SignatureCache::signer(const std::string& manifest, const std::string& signature) const {
  auto it = entries_.find(key(manifest, signature));
  return it == entries_.end() ? std::string() : it->second;
}

void SignatureCache::remember(const std::string& manifest, const std::string& signature, const std::string& signer) {
  entries_[key(manifest, signature)] = signer;
  dirty_ = true;
}

void SignatureCache::save() {
  if (!dirty_ || file_.empty()) return;
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  std::string tmpl = (file_.parent_path() / ("." + file_.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return;
  nlohmann::json doc{{"good", entries_}};
  const std::string text = doc.dump() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmpl.c_str(), file_.c_str()) != 0) ::unlink(tmpl.c_str());
}

}  // namespace spackext::bundles
