#include "plugins/manifest_cache.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spackext/version.hpp"

namespace spackext::core {

namespace {
constexpr int kFormat = 1;
}

ManifestCache::ManifestCache(std::filesystem::path file) : file_(std::move(file)) {}

std::filesystem::path ManifestCache::default_file(const std::filesystem::path& cache_dir) {
  utsname u{};
  ::uname(&u);
  return cache_dir / ("plugin-manifests." + std::string(u.machine) + ".api" +
                      std::to_string(kApiMajor) + "." + std::to_string(kApiMinor) + ".json");
}

void ManifestCache::load() {
  loaded_ = true;
  if (file_.empty()) return;
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || doc.value("format", 0) != kFormat || !doc.contains("entries")) return;
  for (auto& [path, e] : doc["entries"].items()) {
    if (!e.is_object()) continue;
    Entry entry;
    entry.size = e.value("size", std::uintmax_t{0});
    entry.mtime_ns = e.value("mtime_ns", std::int64_t{0});
    entry.result.status = static_cast<ElfManifestResult::Status>(e.value("status", 0));
    entry.result.text = e.value("text", std::string());
    entry.result.error = e.value("error", std::string());
    entries_.emplace(path, std::move(entry));
  }
}

std::optional<ElfManifestResult> ManifestCache::lookup(const std::string& path, std::uintmax_t size,
                                                       std::int64_t mtime_ns) {
  if (file_.empty()) return std::nullopt;
  if (!loaded_) load();
  auto it = entries_.find(path);
  if (it == entries_.end() || it->second.size != size || it->second.mtime_ns != mtime_ns)
    return std::nullopt;
  it->second.seen = true;
  return it->second.result;
}

void ManifestCache::store(const std::string& path, std::uintmax_t size, std::int64_t mtime_ns,
                          const ElfManifestResult& result) {
  if (file_.empty()) return;
  if (!loaded_) load();
  entries_[path] = Entry{size, mtime_ns, result, true};
  dirty_ = true;
}

void ManifestCache::save() {
  if (file_.empty() || !loaded_) return;
  if (!dirty_) return;  // nothing new read: the common, fast case
  nlohmann::json entries = nlohmann::json::object();
  std::error_code exists_ec;
  for (auto& [path, e] : entries_) {
    // Keep entries of other search paths, drop those of files that are gone.
    if (!e.seen && !std::filesystem::exists(path, exists_ec)) continue;
    entries[path] = {{"size", e.size},
                     {"mtime_ns", e.mtime_ns},
                     {"status", static_cast<int>(e.result.status)},
                     {"text", e.result.text},
                     {"error", e.result.error}};
  }
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  auto tmp = file_;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << nlohmann::json{{"format", kFormat}, {"entries", entries}}.dump();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;  // many jobs may start at once; no cache is fine
    }
  }
  std::filesystem::rename(tmp, file_, ec);
  if (ec) std::filesystem::remove(tmp, ec);
  dirty_ = false;
}

}  // namespace spackext::core
